// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "report/registries.h"

#include "copy/copystore.h"
#include "store/figuretables.h"
#include "store/historytables.h"

#include "lag/lag.h"

#include <QHash>
#include <QLocale>

#include <algorithm>

namespace ferry {

QList<RegistryStatus> registryStatuses(const QList<RegistryRecord> &registries, const QList<RegistryScanStats> &stats,
                                       const QList<RateLimitRecord> &rateLimits)
{
    QList<RegistryStatus> out;
    QHash<QString, qsizetype> index;
    auto row = [&](const QString &name) -> RegistryStatus & {
        auto it = index.constFind(name);
        if (it != index.constEnd())
            return out[*it];
        index.insert(name, out.size());
        RegistryStatus s;
        s.name = name;
        out.append(s);
        return out.last();
    };
    for (const RegistryRecord &r : registries) {
        RegistryStatus &s = row(r.name);
        s.role = r.role;
        s.of = r.of;
        s.lagSloSeconds = r.lagSloSeconds;
    }
    for (const RegistryScanStats &st : stats) {
        // Docker Hub's API (for tag dates) is its own client: shown under its registry's name.
        RegistryStatus &s = row(st.registry);
        if (s.role.isEmpty() && st.registry.endsWith(QStringLiteral("-hub-api")))
            s.role = QStringLiteral("Hub API");
        s.stats = st;
    }
    for (const RateLimitRecord &r : rateLimits) { // oldest first: the last reading wins
        if (!index.contains(r.registry))
            continue;
        row(r.registry).budget = r;
    }
    // The RFC's cast in its order: where images come from, where they go, then the rest.
    static const QStringList roles{QStringLiteral("source"), QStringLiteral("target"), QStringLiteral("replica"),
                                   QStringLiteral("cache"),  QStringLiteral("legacy"), QStringLiteral("Hub API")};
    std::stable_sort(out.begin(), out.end(), [](const RegistryStatus &a, const RegistryStatus &b) {
        const auto ra = roles.indexOf(a.role), rb = roles.indexOf(b.role);
        if (ra != rb)
            return (ra < 0 ? roles.size() : ra) < (rb < 0 ? roles.size() : rb);
        return a.name < b.name;
    });
    return out;
}

QString registryHealth(const RegistryStatus &s)
{
    if (!s.stats)
        return QStringLiteral("unknown");
    // Nothing answered, or nothing could be listed: an outage, not a slow registry.
    if (!s.stats->reachable() || (s.stats->listings > 0 && s.stats->listingsFailed >= s.stats->listings))
        return QStringLiteral("failing");
    if (s.stats->failures > 0 || s.stats->listingsFailed > 0)
        return QStringLiteral("warning");
    if (s.budget && s.budget->limit > 0 && s.budget->remaining >= 0 && s.budget->remaining * 5 < s.budget->limit)
        return QStringLiteral("warning");
    return QStringLiteral("ok");
}

QString budgetText(const RateLimitRecord &r)
{
    if (r.limit < 0)
        return QObject::tr("not reported");
    QString window = r.windowSeconds > 0 ? durationText(r.windowSeconds) : QObject::tr("?");
    return QObject::tr("%L1 of %L2 left per %3")
        .arg(r.remaining < 0 ? QStringLiteral("?") : QLocale().toString(r.remaining))
        .arg(r.limit)
        .arg(window);
}

QString copyBudgetText(const RegistryStatus &s)
{
    if (s.pullsNeeded <= 0)
        return {};
    return QStringLiteral("copies not done: ") +
        (s.budget ? pullsAgainstBudgetText(s.pullsNeeded, s.budget->remaining, s.budget->limit, s.budget->windowSeconds)
                  : pullsAgainstBudgetText(s.pullsNeeded, -1, -1, -1));
}

Severity registryHealthSeverity(const QString &health)
{
    if (health == u"ok")
        return Severity::Ok;
    if (health == u"warning")
        return Severity::Warning;
    if (health == u"failing")
        return Severity::Error;
    return Severity::Muted;
}

RegistriesRead readRegistries(Store &store, const QDateTime &historySince)
{
    RegistriesRead d;
    d.statuses =
        registryStatuses(FigureTables(store).registries(), FigureTables(store).latestRegistryStats(), FigureTables(store).rateLimits());
    // The pulls the copies not done yet still need, per source.
    QMap<QString, int> pulls;
    CopyStore copies(store);
    for (const CopyBatch &listed : copies.batches()) {
        const bool open = listed.status == batchstatus::Planned || batchIsUnderway(listed.status);
        if (!open || listed.finalCount >= listed.itemCount)
            continue;
        if (const std::optional<CopyBatch> b = copies.batch(listed.id))
            for (const CopyItem &i : b->items)
                if (!copystate::isFinal(i.state))
                    pulls[b->sourceRegistry] += i.pulls;
    }
    for (RegistryStatus &s : d.statuses)
        s.pullsNeeded = pulls.value(s.name);
    if (historySince.isValid())
        for (const RegistryStatus &s : std::as_const(d.statuses))
            d.history.insert(s.name, FigureTables(store).registryStatsHistory(s.name, historySince));
    if (const std::optional<ScanRecord> last = HistoryTables(store).lastScan())
        d.lastScanErrors = HistoryTables(store).scanErrors(last->id);
    return d;
}

} // namespace ferry
