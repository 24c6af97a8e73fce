#include "syncmatrixmodel.h"

#include <QBrush>
#include <QColor>
#include <QSet>

#include <algorithm>

namespace ferry {

SyncMatrixModel::SyncMatrixModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int SyncMatrixModel::stateRank(const QString &s)
{
    // Higher is worse: what needs the lead's attention first.
    static const QHash<QString, int> rank{{QStringLiteral("synced"), 0}, {QStringLiteral("present"), 0},
                                          {QStringLiteral("absent"), 1}, {QStringLiteral("extra"), 2},
                                          {QStringLiteral("replicating"), 3}, {QStringLiteral("unknown"), 4},
                                          {QStringLiteral("partial"), 5}, {QStringLiteral("lagging"), 6},
                                          {QStringLiteral("missing"), 7}, {QStringLiteral("drifted"), 8}};
    return rank.value(s, 4);
}

void SyncMatrixModel::setMatrix(QList<MatrixRow> rows, const QStringList &registryOrder)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_rowOfKey.clear();
    QSet<QString> names;
    for (const MatrixRow &r : std::as_const(m_rows))
        for (auto it = r.cells.constBegin(); it != r.cells.constEnd(); ++it)
            names.insert(it.key());
    m_registries.clear();
    for (const QString &n : registryOrder)
        if (names.remove(n))
            m_registries << n;
    QStringList rest(names.begin(), names.end());
    rest.sort();
    m_registries += rest;
    rebuildVisible();
    applySort();
    endResetModel();
}

void SyncMatrixModel::setFilter(const QString &text, const QStringList &states, const QString &registry)
{
    if (text == m_filterText && states == m_filterStates && registry == m_filterRegistry)
        return;
    beginResetModel();
    m_filterText = text;
    m_filterStates = states;
    m_filterRegistry = registry;
    rebuildVisible();
    applySort();
    endResetModel();
}

void SyncMatrixModel::applyUpserts(const QList<MatrixRow> &rows)
{
    if (m_rowOfKey.isEmpty())
        for (int i = 0; i < int(m_rows.size()); ++i)
            m_rowOfKey.insert(m_rows.at(i).repository + u'\n' + m_rows.at(i).tag, i);
    for (const MatrixRow &r : rows) {
        const QString key = r.repository + u'\n' + r.tag;
        const auto it = m_rowOfKey.constFind(key);
        if (it != m_rowOfKey.constEnd()) {
            m_rows[*it] = r;
        } else {
            m_rowOfKey.insert(key, int(m_rows.size()));
            m_rows.append(r);
        }
    }
}

void SyncMatrixModel::upsertRows(const QList<MatrixRow> &rows)
{
    if (rows.isEmpty())
        return;
    bool newColumn = false;
    for (const MatrixRow &r : rows)
        for (auto it = r.cells.constBegin(); it != r.cells.constEnd() && !newColumn; ++it)
            newColumn = !m_registries.contains(it.key());
    if (newColumn) {
        // A new column: a reset is the honest signal. Rare (the first scan's first batch).
        applyUpserts(rows);
        setMatrix(QList<MatrixRow>(m_rows), QStringList(m_registries)); // a copy: setMatrix clears m_registries
        return;
    }
    Q_EMIT layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    QList<int> sourceRows;
    for (const QModelIndex &i : before)
        sourceRows << m_visible.at(size_t(i.row()));
    applyUpserts(rows);
    rebuildVisible();
    applySort();
    QHash<int, int> where;
    for (int v = 0; v < int(m_visible.size()); ++v)
        where.insert(m_visible[size_t(v)], v);
    QModelIndexList after;
    for (qsizetype k = 0; k < before.size(); ++k) {
        const auto w = where.constFind(sourceRows.at(k));
        // A selected row that the filter now hides loses its index.
        after << (w == where.constEnd() ? QModelIndex() : index(*w, before.at(k).column()));
    }
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged();
}

void SyncMatrixModel::rebuildVisible()
{
    m_visible.clear();
    m_visible.reserve(m_rows.size());
    const QString needle = m_filterText.trimmed();
    const auto colon = needle.indexOf(u':');
    // "repo:tag" narrows both; a bare word matches either.
    const QString repoPart = colon >= 0 ? needle.left(colon) : needle;
    const QString tagPart = colon >= 0 ? needle.mid(colon + 1) : QString();
    const QSet<QString> states(m_filterStates.begin(), m_filterStates.end());
    for (int i = 0; i < int(m_rows.size()); ++i) {
        const MatrixRow &r = m_rows.at(i);
        if (!m_filterRegistry.isEmpty()) {
            const auto cell = r.cells.constFind(m_filterRegistry);
            if (cell == r.cells.constEnd() || (!states.isEmpty() && !states.contains(cell->state)))
                continue;
        } else if (!states.isEmpty() && !states.contains(r.state)) {
            continue;
        }
        if (!needle.isEmpty()) {
            if (colon >= 0) {
                if (!r.repository.contains(repoPart, Qt::CaseInsensitive) || !r.tag.contains(tagPart, Qt::CaseInsensitive))
                    continue;
            } else if (!r.repository.contains(needle, Qt::CaseInsensitive) && !r.tag.contains(needle, Qt::CaseInsensitive)) {
                continue;
            }
        }
        m_visible.push_back(i);
    }
}

void SyncMatrixModel::applySort()
{
    if (m_sortColumn < 0)
        return;
    const int col = m_sortColumn;
    const bool desc = m_sortOrder == Qt::DescendingOrder;
    const QString registry = col >= NumFixedColumns ? m_registries.value(col - NumFixedColumns) : QString();
    auto less = [&](int a, int b) {
        const MatrixRow &x = m_rows.at(a);
        const MatrixRow &y = m_rows.at(b);
        int c = 0;
        switch (col) {
        case RepositoryColumn:
            c = x.repository.compare(y.repository);
            if (c == 0)
                c = x.tag.compare(y.tag);
            break;
        case TagColumn:
            c = x.tag.compare(y.tag);
            break;
        case StateColumn:
            c = stateRank(x.state) - stateRank(y.state);
            break;
        default: {
            const MatrixCell cx = x.cells.value(registry);
            const MatrixCell cy = y.cells.value(registry);
            c = stateRank(cx.state) - stateRank(cy.state);
            if (c == 0)
                c = cx.digest.compare(cy.digest);
        }
        }
        if (c == 0)
            return a < b; // stable: keep the matrix order among equals
        return desc ? c > 0 : c < 0;
    };
    std::sort(m_visible.begin(), m_visible.end(), less);
}

void SyncMatrixModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= columnCount())
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QList<int> sourceRows;
    for (const QModelIndex &i : before)
        sourceRows << m_visible.at(size_t(i.row()));
    m_sortColumn = column;
    m_sortOrder = order;
    applySort();
    if (!before.isEmpty()) {
        QHash<int, int> where;
        for (int r = 0; r < int(m_visible.size()); ++r)
            where.insert(m_visible[size_t(r)], r);
        QModelIndexList after;
        for (qsizetype k = 0; k < before.size(); ++k)
            after << index(where.value(sourceRows.at(k)), before.at(k).column());
        changePersistentIndexList(before, after);
    }
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

const MatrixRow *SyncMatrixModel::rowAt(int row) const
{
    if (row < 0 || row >= int(m_visible.size()))
        return nullptr;
    return &m_rows.at(m_visible[size_t(row)]);
}

QMap<QString, int> SyncMatrixModel::countsByState() const
{
    QMap<QString, int> out;
    for (const MatrixRow &r : m_rows)
        ++out[r.state];
    return out;
}

int SyncMatrixModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int SyncMatrixModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NumFixedColumns + int(m_registries.size());
}

static QColor stateColour(const QString &state)
{
    // Colour is never the only signal: the text says the state too.
    const int rank = SyncMatrixModel::stateRank(state);
    if (state == u"synced" || state == u"present")
        return QColor(0xe3, 0xf4, 0xe1);
    if (rank >= 7)
        return QColor(0xfb, 0xdc, 0xd7);
    if (rank >= 5)
        return QColor(0xfd, 0xeb, 0xc8);
    if (state == u"unknown")
        return QColor(0xe4, 0xe4, 0xe7);
    return QColor(0xe6, 0xee, 0xfa);
}

QVariant SyncMatrixModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const MatrixRow &r = m_rows.at(m_visible[size_t(index.row())]);
    const int col = index.column();
    if (col < NumFixedColumns) {
        switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            if (col == RepositoryColumn)
                return r.repository;
            if (col == TagColumn)
                return r.tag;
            return role == SortRole ? QVariant(stateRank(r.state)) : QVariant(r.state);
        case StateRole:
            return r.state;
        case ReasonRole:
        case Qt::ToolTipRole:
            return r.reason.isEmpty() ? QVariant() : QVariant(r.reason);
        case Qt::BackgroundRole:
            return col == StateColumn ? QVariant(QBrush(stateColour(r.state))) : QVariant();
        default:
            return {};
        }
    }
    const QString registry = m_registries.value(col - NumFixedColumns);
    const auto it = r.cells.constFind(registry);
    if (it == r.cells.constEnd())
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("–")) : QVariant();
    const MatrixCell &c = *it;
    switch (role) {
    case Qt::DisplayRole: {
        // The state first; a short digest where there is one.
        const QString shortDigest = c.digest.isEmpty() ? QString() : c.digest.mid(c.digest.indexOf(u':') + 1, 12);
        return shortDigest.isEmpty() ? c.state : c.state + QStringLiteral("  ") + shortDigest;
    }
    case SortRole:
        return stateRank(c.state);
    case StateRole:
        return c.state;
    case DigestRole:
        return c.digest;
    case ReasonRole:
        return c.reason;
    case RegistryRole:
        return registry;
    case Qt::ToolTipRole: {
        QString tip = registry + QStringLiteral(": ") + c.state;
        if (!c.digest.isEmpty())
            tip += u'\n' + c.digest;
        if (!c.reason.isEmpty())
            tip += u'\n' + c.reason;
        return tip;
    }
    case Qt::BackgroundRole:
        return QBrush(stateColour(c.state));
    default:
        return {};
    }
}

QVariant SyncMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RepositoryColumn: return tr("Repository");
    case TagColumn: return tr("Tag");
    case StateColumn: return tr("State");
    default: return m_registries.value(section - NumFixedColumns);
    }
}

} // namespace ferry
