// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registriesmodel.h"

#include "columntitles.h"

#include "lag/lag.h"
#include "registry/registryerror.h"

#include <QBrush>
#include <QColor>
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

RegistriesModel::RegistriesModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void RegistriesModel::setStatuses(QList<RegistryStatus> statuses)
{
    beginResetModel();
    m_rows = std::move(statuses);
    endResetModel();
}

const RegistryStatus *RegistriesModel::statusAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

QString RegistriesModel::health(const RegistryStatus &s)
{
    if (!s.stats)
        return QStringLiteral("unknown");
    if (!s.stats->reachable())
        return QStringLiteral("failing");
    if (s.stats->failures > 0 || s.stats->listingsFailed > 0)
        return QStringLiteral("warning");
    if (s.budget && s.budget->limit > 0 && s.budget->remaining >= 0 && s.budget->remaining * 5 < s.budget->limit)
        return QStringLiteral("warning");
    return QStringLiteral("ok");
}

QString RegistriesModel::budgetText(const RateLimitRecord &r)
{
    if (r.limit < 0)
        return QObject::tr("not reported");
    QString window = r.windowSeconds > 0 ? durationText(r.windowSeconds) : QObject::tr("?");
    return QObject::tr("%L1 of %L2 left per %3")
        .arg(r.remaining < 0 ? QStringLiteral("?") : QLocale().toString(r.remaining))
        .arg(r.limit)
        .arg(window);
}

int RegistriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RegistriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NumColumns;
}

static QColor healthColour(const QString &health)
{
    if (health == u"ok")
        return QColor(0xe3, 0xf4, 0xe1);
    if (health == u"failing")
        return QColor(0xfb, 0xdc, 0xd7);
    if (health == u"warning")
        return QColor(0xfd, 0xeb, 0xc8);
    return QColor(0xe4, 0xe4, 0xe7);
}

QVariant RegistriesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RegistryStatus &s = m_rows.at(index.row());
    const RegistryScanStats *st = s.stats ? &*s.stats : nullptr;
    const QString h = health(s);
    if (role == HealthRole)
        return h;
    const int col = index.column();
    if (role == Qt::BackgroundRole)
        return col == ReachableColumn ? QVariant(QBrush(healthColour(h))) : QVariant();
    if (role == Qt::ToolTipRole) {
        if (col == ReachableColumn && st && !st->firstError.isEmpty()) {
            const QString advice = RegistryError::adviceForText(st->firstError);
            return QString(st->firstError + (advice.isEmpty() ? QString() : QString(u'\n' + advice)));
        }
        if (col == BudgetColumn && s.budget)
            return tr("From %1, read %2").arg(s.budget->source, s.budget->at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        return {};
    }
    if (role == Qt::TextAlignmentRole)
        return col >= LatencyColumn && col <= RequestsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (col) {
    case NameColumn: return s.name;
    case RoleColumn:
        if (sort || s.of.isEmpty())
            return s.role;
        return tr("%1 of %2").arg(s.role, s.of);
    case ReachableColumn:
        if (sort)
            return h;
        if (!st)
            return tr("not scanned");
        if (!st->reachable())
            return tr("unreachable");
        if (st->listingsFailed > 0)
            return tr("reachable, %1 of %2 listings failed").arg(st->listingsFailed).arg(st->listings);
        return tr("reachable");
    case LatencyColumn:
        if (!st || st->latencyMsAvg < 0)
            return sort ? QVariant(qint64(-1)) : QVariant(QStringLiteral("–"));
        return sort ? QVariant(st->latencyMsAvg) : QVariant(tr("%L1 ms").arg(st->latencyMsAvg));
    case ErrorRateColumn:
        if (!st)
            return sort ? QVariant(-1.0) : QVariant(QStringLiteral("–"));
        if (sort)
            return st->errorRate();
        return st->failures == 0 ? tr("0 %") : tr("%1 % (%L2)").arg(QLocale().toString(st->errorRate() * 100, 'f', 1)).arg(st->failures);
    case RequestsColumn:
        if (!st)
            return sort ? QVariant(qint64(-1)) : QVariant(QStringLiteral("–"));
        if (sort || st->retries == 0)
            return sort ? QVariant(st->requests) : QVariant(QLocale().toString(st->requests));
        return tr("%L1 (%L2 retries)").arg(st->requests).arg(st->retries);
    case BudgetColumn:
        if (!s.budget)
            return sort ? QVariant(-1) : QVariant(QStringLiteral("–")); // the registry sends no budget headers
        return sort ? QVariant(s.budget->remaining) : QVariant(budgetText(*s.budget));
    case LastScanColumn:
        if (!st)
            return {};
        return sort ? QVariant(st->at)
                    : QVariant(tr("#%1, %2").arg(st->scan).arg(st->at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    default: return {};
    }
}

QVariant RegistriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const std::array<const char *, NumColumns> titles{
        QT_TR_NOOP("Registry"),   QT_TR_NOOP("Role"),     QT_TR_NOOP("Reachability"), QT_TR_NOOP("Latency (mean)"),
        QT_TR_NOOP("Error rate"), QT_TR_NOOP("Requests"), QT_TR_NOOP("Pull budget"),  QT_TR_NOOP("Last scan")};
    return columnTitle(staticMetaObject, titles, section, orientation, role);
}

} // namespace ferry
