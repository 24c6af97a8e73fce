// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "ops/batch.h"

namespace ferry {

namespace {

QString named(const BatchKind &kind, qint64 id)
{
    return QStringLiteral("%1 %2").arg(kind.label).arg(id);
}

bool altered(const BatchFacts &b)
{
    return !b.recomputedHash.isEmpty() && b.recomputedHash != b.hash;
}

} // namespace

bool batchNeedsLead(const QString &status)
{
    return status == batchstatus::Planned || status == batchstatus::Approved || status == batchstatus::Executing;
}

bool batchIsUnderway(const QString &status)
{
    return status == batchstatus::Approved || status == batchstatus::Executing || status == batchstatus::Executed;
}

qsizetype batchToShowFirst(const QStringList &statuses)
{
    for (qsizetype i = 0; i < statuses.size(); ++i)
        if (batchNeedsLead(statuses[i]))
            return i;
    return statuses.size() - 1;
}

Severity batchStatusSeverity(const QString &status)
{
    if (status == batchstatus::Approved || status == batchstatus::Executed)
        return Severity::Ok;
    if (status == batchstatus::Executing)
        return Severity::Warning;
    if (status == batchstatus::Rejected || status == batchstatus::Superseded)
        return Severity::Muted;
    return Severity::Info;
}

QString batchApprovalBlocker(const BatchKind &kind, const BatchFacts &b)
{
    if (b.status == batchstatus::Rejected)
        return QStringLiteral("%1 was rejected by %2%3; a rejection is final: plan again to propose it anew")
            .arg(named(kind, b.id), b.decidedBy.isEmpty() ? QStringLiteral("someone") : b.decidedBy,
                 b.comment.isEmpty() ? QString() : QStringLiteral(" (\"%1\")").arg(b.comment));
    if (b.status != batchstatus::Planned)
        return QStringLiteral("%1 is %2; only a planned batch can be approved").arg(named(kind, b.id), b.status);
    if (altered(b))
        return QStringLiteral("%1 was altered after planning (its items hash to %2, planned as %3); it cannot be approved")
            .arg(named(kind, b.id), b.recomputedHash, b.hash);
    return {};
}

QString batchRejectionBlocker(const BatchKind &kind, const BatchFacts &b)
{
    if (b.status != batchstatus::Planned && b.status != batchstatus::Approved)
        return QStringLiteral("%1 is %2; only a planned or approved batch can be rejected").arg(named(kind, b.id), b.status);
    return {};
}

QString batchExecutionBlocker(const BatchKind &kind, const BatchFacts &b, bool dryRun)
{
    if (altered(b))
        return QStringLiteral("%1 was altered after planning: its items hash to %2, the batch was planned as %3")
            .arg(named(kind, b.id), b.recomputedHash, b.hash);
    if (b.status == batchstatus::Rejected || b.status == batchstatus::Superseded)
        return QStringLiteral("%1 is %2, not approved; it is never executed").arg(named(kind, b.id), b.status);
    if (dryRun)
        return {};
    if (b.status == batchstatus::Planned)
        return QStringLiteral("%1 is not approved (ferryctl %2 approve %3 --as NAME)").arg(named(kind, b.id), kind.name).arg(b.id);
    const bool runs = b.status == batchstatus::Approved || b.status == batchstatus::Executing ||
        (kind.executedRunsAgain && b.status == batchstatus::Executed);
    if (!runs)
        return QStringLiteral("%1 is %2, not approved").arg(named(kind, b.id), b.status);
    if (b.decidedHash != b.hash)
        return QStringLiteral("%1 was approved as %2 but holds %3").arg(named(kind, b.id), b.decidedHash, b.hash);
    return {};
}

QString osUserName()
{
    return qEnvironmentVariable("USER", qEnvironmentVariable("LOGNAME"));
}

QString batchActor(const QString &given)
{
    if (!given.trimmed().isEmpty())
        return given.trimmed();
    const QString user = osUserName();
    return user.isEmpty() ? QStringLiteral("unknown user") : user;
}

} // namespace ferry
