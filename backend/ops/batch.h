// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/severity.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace ferry {

// A batch's status, the same for every kind (cleanup deletions, chart retirement, copies).
namespace batchstatus {
inline const QString Planned = QStringLiteral("planned");
inline const QString Approved = QStringLiteral("approved");
inline const QString Rejected = QStringLiteral("rejected");
inline const QString Superseded = QStringLiteral("superseded"); // items were removed: a new batch replaced it
inline const QString Executing = QStringLiteral("executing");
inline const QString Executed = QStringLiteral("executed"); // every item reached a final state
} // namespace batchstatus

// A status the lead still has something to do about: decide the batch, or have it run.
bool batchNeedsLead(const QString &status);
// Approved, executing or executed: the batch's items run or ran, and what is not final of them
// is still to be done (resume, the pulls a copy still needs, stage 1's work line).
bool batchIsUnderway(const QString &status);
// Of batches listed oldest first (their statuses), the one a face shows when nothing is
// selected: the first the lead still has something to do about, else the newest; -1: none.
qsizetype batchToShowFirst(const QStringList &statuses);
// Planned: info; approved or executed: ok; executing: warning; rejected or superseded: muted.
Severity batchStatusSeverity(const QString &status);

// A kind of batch, as data: where its rows live and how the faces name it. The rules below
// hold for every kind; a kind adds its own (a complete listing, something to copy) after them.
struct BatchKind
{
    QString name; // "cleanup", "copy": the store's table prefix and the ferryctl command
    QString label; // how a message names one: "batch", "copy batch"
    QString itemMessageColumn; // the items' column the journal's message is copied to
    // An executed batch may run again (its failed items tried anew) rather than being done.
    bool executedRunsAgain = false;
};

// What the decision rules read of a batch of any kind.
struct BatchFacts
{
    qint64 id = 0;
    QString status;
    QString hash; // as planned
    QString recomputedHash; // of the items as stored now; empty when they were not loaded
    QString decidedHash;
    QString decidedBy;
    QString comment;
};

// The one rule of which batches can be approved, for every kind and every face: only a planned
// batch, unaltered since planning. A rejection is final (plan again to propose it anew).
// Empty: it may, as far as status and content go.
QString batchApprovalBlocker(const BatchKind &kind, const BatchFacts &batch);
// Which batches can be rejected: a planned or approved one. Empty: it may.
QString batchRejectionBlocker(const BatchKind &kind, const BatchFacts &batch);
// Why a batch may not run: altered, not approved (a dry run excepted), approved as other
// content, rejected or superseded. Empty: it may.
QString batchExecutionBlocker(const BatchKind &kind, const BatchFacts &batch, bool dryRun);

// The OS user (USER, else LOGNAME), or empty: what a decision's name defaults to in every face.
QString osUserName();
// Who is acting: the name given, else the OS user, else "unknown user".
QString batchActor(const QString &given);

} // namespace ferry
