// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registriesmodel.h"

#include "columntitles.h"
#include "severitycolour.h"

#include "lag/lag.h"
#include "registry/registryerror.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <algorithm>

namespace ferry {

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

int RegistriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RegistriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NumColumns;
}

QVariant RegistriesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RegistryStatus &s = m_rows.at(index.row());
    const RegistryScanStats *st = s.stats ? &*s.stats : nullptr;
    const QString h = registryHealth(s);
    if (role == HealthRole)
        return h;
    const int col = index.column();
    if (role == Qt::BackgroundRole)
        return col == ReachableColumn ? QVariant(QBrush(severityColour(registryHealthSeverity(h)))) : QVariant();
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
        if (st->listings > 0 && st->listingsFailed >= st->listings)
            return tr("failing: all %1 listings failed").arg(st->listings); // it answers, but nothing could be read
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
