// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "syncmatrixmodel.h"

#include "matrix/syncstate.h"
#include "severitycolour.h"

#include <QBrush>
#include <QColor>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <bit>
#include <numeric>

namespace ferry {

SyncMatrixModel::SyncMatrixModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int SyncMatrixModel::stateRank(const QString &s)
{
    return syncstate::rank(s);
}

void SyncMatrixModel::setMatrix(const QList<MatrixRow> &rows, const QStringList &registryOrder)
{
    CompactMatrix m;
    m.reserve(rows.size());
    for (const MatrixRow &r : rows)
        m.append(r);
    setCompactMatrix(std::move(m), registryOrder);
}

void SyncMatrixModel::computeColumns(const QStringList &registryOrder)
{
    m_registries = columnsInOrder(registryOrder, m_matrix.registryNames());
    m_columnRegistry.clear();
    for (const QString &n : std::as_const(m_registries))
        m_columnRegistry.push_back(m_matrix.registryIndex(n));
}

void SyncMatrixModel::setCompactMatrix(CompactMatrix matrix, const QStringList &registryOrder)
{
    beginResetModel();
    m_matrix = std::move(matrix);
    m_rowOfKey.clear();
    m_unfiltered.clear();
    // A sort's buffers, touched once the event loop is next idle after the matrix arrives
    // rather than on the first sort key (the first sort of a million rows took 105 ms where
    // the next took 14: fresh pages; touching them here made the hand-over 45 ms longer).
    QTimer::singleShot(0, this, [this] {
        for (std::vector<quint64> *buffer : {&m_sortKeys, &m_sortScratch})
            if (buffer->capacity() < size_t(m_matrix.size())) {
                buffer->assign(size_t(m_matrix.size()), 0);
                buffer->clear();
            }
    });
    computeColumns(QStringList(registryOrder)); // a copy: the order may be m_registries itself
    rebuildVisible();
    applySort();
    endResetModel();
}

void SyncMatrixModel::setFilter(const QString &text, const QStringList &states, const QString &registry)
{
    if (text == m_filterText && states == m_filterStates && registry == m_filterRegistry)
        return;
    // Typing on: the rows the new text matches are among those shown now, which keep their
    // order (sorted already); only they are looked at, and nothing is sorted again.
    // Erasing: the rows of a text typed earlier come back as they were kept on the way in.
    const bool sameCells = states == m_filterStates && registry == m_filterRegistry;
    const bool narrows = sameCells && narrowsFilter(m_filterText, text);
    beginResetModel();
    qsizetype earlier = -1;
    if (!sameCells)
        m_typed.clear();
    else if (narrows)
        m_typed.emplace_back(m_filterText, m_visible); // a copy: the rows shown before this key
    else
        for (qsizetype t = 0; t < qsizetype(m_typed.size()) && earlier < 0; ++t)
            earlier = m_typed[size_t(t)].first == text ? t : -1;
    m_filterText = text;
    m_filterStates = states;
    m_filterRegistry = registry;
    const bool unfiltered = text.trimmed().isEmpty() && states.isEmpty() && registry.isEmpty();
    if (earlier >= 0) {
        m_visible = std::move(m_typed[size_t(earlier)].second);
        m_typed.resize(size_t(earlier));
    } else if (unfiltered && (!m_unfiltered.empty() || m_sortColumn < 0)) {
        // Every row in the current order: kept from the last sort of them all, or the matrix's own.
        m_typed.clear();
        if (m_sortColumn < 0) {
            m_visible.resize(size_t(m_matrix.size()));
            std::iota(m_visible.begin(), m_visible.end(), 0);
        } else {
            m_visible = m_unfiltered;
        }
    } else {
        if (!narrows)
            m_typed.clear();
        rebuildVisible(narrows);
        if (!narrows)
            applySort();
    }
    endResetModel();
}

// Whether every row that `text` matches is matched by `before` as well (the filter's rules:
// "repo:tag" narrows both parts, a bare word matches either).
bool SyncMatrixModel::narrowsFilter(const QString &before, const QString &text)
{
    const QString was = before.trimmed(), now = text.trimmed();
    if (was.isEmpty())
        return true;
    const auto wasColon = was.indexOf(u':'), nowColon = now.indexOf(u':');
    if (wasColon < 0 && nowColon < 0)
        return now.contains(was, Qt::CaseInsensitive);
    if (wasColon < 0) // the repository part must hold what was typed before
        return now.left(nowColon).contains(was, Qt::CaseInsensitive);
    if (nowColon < 0)
        return false;
    return now.left(nowColon).contains(was.left(wasColon), Qt::CaseInsensitive) &&
        now.mid(nowColon + 1).contains(was.mid(wasColon + 1), Qt::CaseInsensitive);
}

void SyncMatrixModel::applyUpserts(const QList<MatrixRow> &rows)
{
    auto keyOf = [](quint32 repository, quint32 tag) { return quint64(repository) << 32 | tag; };
    if (m_rowOfKey.isEmpty()) {
        m_rowOfKey.reserve(m_matrix.size());
        for (int i = 0; i < m_matrix.size(); ++i)
            m_rowOfKey.insert(keyOf(m_matrix.repositoryId(i), m_matrix.tagId(i)), i);
    }
    for (const MatrixRow &r : rows) {
        const quint32 repository = m_matrix.findString(r.repository), tag = m_matrix.findString(r.tag);
        const auto it = repository && tag ? m_rowOfKey.constFind(keyOf(repository, tag)) : m_rowOfKey.constEnd();
        if (it != m_rowOfKey.constEnd()) {
            m_matrix.replace(*it, r);
        } else {
            const int index = m_matrix.size();
            m_matrix.append(r);
            m_rowOfKey.insert(keyOf(m_matrix.repositoryId(index), m_matrix.tagId(index)), index);
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
        beginResetModel();
        applyUpserts(rows);
        m_unfiltered.clear();
        computeColumns(QStringList(m_registries));
        rebuildVisible();
        applySort();
        endResetModel();
        return;
    }
    Q_EMIT layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    QList<int> sourceRows;
    for (const QModelIndex &i : before)
        sourceRows << m_visible.at(size_t(i.row()));
    applyUpserts(rows);
    m_unfiltered.clear();
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

void SyncMatrixModel::rebuildVisible(bool narrow)
{
    // Narrowing looks at the rows shown (in their order); otherwise at every row.
    std::vector<int> candidates;
    if (narrow)
        candidates.swap(m_visible);
    m_visible.clear();
    m_visible.reserve(narrow ? candidates.size() : size_t(m_matrix.size()));
    const QString needle = m_filterText.trimmed();
    const auto colon = needle.indexOf(u':');
    // "repo:tag" narrows both; a bare word matches either.
    const QString repoPart = colon >= 0 ? needle.left(colon) : needle;
    const QString tagPart = colon >= 0 ? needle.mid(colon + 1) : QString();
    // States as codes of the matrix's state table; a repository's match is decided once.
    std::vector<bool> stateWanted(size_t(m_matrix.states().size()), m_filterStates.isEmpty());
    for (const QString &st : m_filterStates)
        if (const int code = m_matrix.stateCode(st); code >= 0)
            stateWanted[size_t(code)] = true;
    const int registry = m_filterRegistry.isEmpty() ? -1 : m_matrix.registryIndex(m_filterRegistry);
    if (!m_filterRegistry.isEmpty() && registry < 0)
        return; // no cell of that registry anywhere
    std::vector<qint8> repoMatch(size_t(m_matrix.stringCount()), -1);
    const int count = narrow ? int(candidates.size()) : m_matrix.size();
    for (int k = 0; k < count; ++k) {
        const int i = narrow ? candidates[size_t(k)] : k;
        if (registry >= 0) {
            const CompactMatrix::Cell *cell = m_matrix.cell(i, registry);
            if (!cell || !stateWanted[cell->state])
                continue;
        } else if (!stateWanted[m_matrix.stateCode(i)]) {
            continue;
        }
        if (!needle.isEmpty()) {
            qint8 &repo = repoMatch[m_matrix.repositoryId(i)];
            if (repo < 0)
                repo = m_matrix.repository(i).contains(repoPart, Qt::CaseInsensitive) ? 1 : 0;
            if (colon >= 0) {
                if (!repo || !m_matrix.tag(i).contains(tagPart, Qt::CaseInsensitive))
                    continue;
            } else if (!repo && !m_matrix.tag(i).contains(needle, Qt::CaseInsensitive)) {
                continue;
            }
        }
        m_visible.push_back(i);
    }
}

namespace {

// A stable LSD radix sort of v by the bits [low, low + bits) of key(element): as few passes
// as digits of at most 12 bits allow (a key of 24 bits, a state over a million digests, takes
// two), a pass skipped when every element has the same digit there. A million rows in a
// fraction of std::sort's time: the TUI sorts on a key press.
template<typename T, typename Key>
void radixSort(std::vector<T> &v, std::vector<T> &out, int low, int bits, Key key)
{
    constexpr int kMaxDigitBits = 12;
    if (bits <= 0 || v.size() < 2)
        return;
    const int passes = (bits + kMaxDigitBits - 1) / kMaxDigitBits;
    const int digitBits = (bits + passes - 1) / passes;
    const quint64 mask = (quint64(1) << digitBits) - 1;
    out.resize(v.size());
    std::vector<quint32> count(size_t(mask) + 2);
    for (int shift = low; shift < low + bits; shift += digitBits) {
        std::fill(count.begin(), count.end(), 0);
        for (const T &e : v)
            ++count[((key(e) >> shift) & mask) + 1];
        if (*std::max_element(count.begin(), count.end()) == v.size())
            continue;
        for (size_t d = 1; d < count.size(); ++d)
            count[d] += count[d - 1];
        for (const T &e : v)
            out[count[(key(e) >> shift) & mask]++] = e;
        v.swap(out);
    }
}

} // namespace

void SyncMatrixModel::applySort()
{
    m_typed.clear(); // their order is the old one
    if (m_sortColumn < 0)
        return;
    const int col = m_sortColumn;
    // One integer key per visible row, from ranks computed once (strings in sorted order,
    // states by how much they need attention), then a radix sort by it.
    std::vector<quint64> stateRanks;
    for (const QString &st : m_matrix.states())
        stateRanks.push_back(quint64(stateRank(st) + 1));
    const int stateBits = int(std::bit_width(stateRanks.empty() ? 0 : *std::max_element(stateRanks.begin(), stateRanks.end())));
    const std::vector<quint32> &ranks = col == RepositoryColumn || col == TagColumn ? m_matrix.stringRanks() : std::vector<quint32>();
    const int rankBits = ranks.empty() ? 0 : int(std::bit_width(quint64(ranks.size())));
    const int digestBits = int(std::bit_width(quint64(m_matrix.digestOrdinalLimit())));
    const int registry = col >= NumFixedColumns ? m_columnRegistry.at(size_t(col - NumFixedColumns)) : -1;
    const int rowBits = int(std::bit_width(quint64(m_matrix.size())));
    const quint64 rowMask = (quint64(1) << rowBits) - 1;
    const bool desc = m_sortOrder == Qt::DescendingOrder;

    // A stable sort of the rows by key(row) of at most keyBits bits, the key and the row in
    // one word (8 bytes a row to move). Ranks and rows both fit in 32 bits, and a digest's
    // number and a state's in 32 (a matrix held in memory has far fewer than 2^28 digests).
    // Descending: the complement within the keys' width; equal keys keep their order.
    const auto sortBy = [&](auto key, int keyBits, const std::vector<int> *order) {
        Q_ASSERT(keyBits + rowBits <= 64);
        const quint64 flip = desc && keyBits > 0 ? ~quint64(0) >> (64 - keyBits) : 0;
        std::vector<quint64> &keyed = m_sortKeys;
        keyed.clear();
        if (order) {
            for (const int i : *order)
                keyed.push_back((key(i) ^ flip) << rowBits | quint64(i));
        } else {
            // The visible rows in matrix order, from a mark per row rather than a sort of the numbers.
            std::vector<char> &shown = m_sortShown;
            shown.assign(size_t(m_matrix.size()), 0);
            for (const int i : m_visible)
                shown[size_t(i)] = 1;
            for (int i = 0; i < m_matrix.size(); ++i)
                if (shown[size_t(i)])
                    keyed.push_back((key(i) ^ flip) << rowBits | quint64(i));
        }
        radixSort(keyed, m_sortScratch, rowBits, keyBits, [](quint64 e) { return e; });
        for (size_t k = 0; k < keyed.size(); ++k)
            m_visible[k] = int(keyed[k] & rowMask);
    };
    switch (col) {
    case RepositoryColumn:
        // By tag, then (stably) by repository: both keys a string's rank.
        sortBy([&](int i) { return quint64(ranks[m_matrix.tagId(i)]); }, rankBits, nullptr);
        sortBy([&](int i) { return quint64(ranks[m_matrix.repositoryId(i)]); }, rankBits, &m_visible);
        break;
    case TagColumn: sortBy([&](int i) { return quint64(ranks[m_matrix.tagId(i)]); }, rankBits, nullptr); break;
    case StateColumn: sortBy([&](int i) { return stateRanks[m_matrix.stateCode(i)]; }, stateBits, nullptr); break;
    default:
        // State rank, then the digest (equal digests side by side); no cell sorts first.
        sortBy(
            [&](int i) {
                const CompactMatrix::Cell *c = m_matrix.cell(i, registry);
                return c ? stateRanks[c->state] << digestBits | m_matrix.digestOrdinal(c->digest) : 0;
            },
            stateBits + digestBits, nullptr);
    }
    if (m_filterText.trimmed().isEmpty() && m_filterStates.isEmpty() && m_filterRegistry.isEmpty())
        m_unfiltered = m_visible; // clearing a filter later restores this instead of sorting again
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
    m_unfiltered.clear(); // kept for one column and order
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

std::optional<MatrixRow> SyncMatrixModel::rowAt(int row) const
{
    if (row < 0 || row >= int(m_visible.size()))
        return std::nullopt;
    return m_matrix.row(m_visible[size_t(row)]);
}

int SyncMatrixModel::visibleRowOf(const QString &repository, const QString &tag) const
{
    const quint32 repo = m_matrix.findString(repository);
    const quint32 t = m_matrix.findString(tag);
    if (repo == 0 || t == 0)
        return -1;
    for (size_t r = 0; r < m_visible.size(); ++r)
        if (m_matrix.repositoryId(m_visible[r]) == repo && m_matrix.tagId(m_visible[r]) == t)
            return int(r);
    return -1;
}

QMap<QString, int> SyncMatrixModel::countsByState() const
{
    std::vector<int> byCode(size_t(m_matrix.states().size()), 0);
    for (int i = 0; i < m_matrix.size(); ++i)
        ++byCode[m_matrix.stateCode(i)];
    QMap<QString, int> out;
    for (size_t k = 0; k < byCode.size(); ++k)
        if (byCode[k] > 0)
            out[m_matrix.states().at(qsizetype(k))] += byCode[k];
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
    return severityColour(syncstate::severity(syncstate::parse(state)));
}

QVariant SyncMatrixModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int i = m_visible[size_t(index.row())];
    const int col = index.column();
    if (col < NumFixedColumns) {
        switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            if (col == RepositoryColumn)
                return m_matrix.repository(i);
            if (col == TagColumn)
                return m_matrix.tag(i);
            return role == SortRole ? QVariant(stateRank(m_matrix.state(i))) : QVariant(m_matrix.state(i));
        case StateRole: return m_matrix.state(i);
        case ReasonRole:
        case Qt::ToolTipRole: return m_matrix.reason(i).isEmpty() ? QVariant() : QVariant(m_matrix.reason(i));
        case Qt::BackgroundRole: return col == StateColumn ? QVariant(QBrush(stateColour(m_matrix.state(i)))) : QVariant();
        default: return {};
        }
    }
    const QString &registry = m_registries.at(col - NumFixedColumns);
    const CompactMatrix::Cell *c = m_matrix.cell(i, m_columnRegistry.at(size_t(col - NumFixedColumns)));
    if (!c)
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("–")) : QVariant();
    const QString &state = m_matrix.cellState(*c);
    switch (role) {
    case Qt::DisplayRole: {
        // The state first; a short digest where there is one.
        if (c->digest == 0)
            return state;
        const QString digest = m_matrix.digest(c->digest);
        return QString(state + QStringLiteral("  ") + digest.mid(digest.indexOf(u':') + 1, 12));
    }
    case SortRole: return stateRank(state);
    case StateRole: return state;
    case DigestRole: return m_matrix.digest(c->digest);
    case ReasonRole: return m_matrix.string(c->reason);
    case RegistryRole: return registry;
    case Qt::ToolTipRole: {
        QString tip = registry + QStringLiteral(": ") + state;
        if (c->digest != 0)
            tip += u'\n' + m_matrix.digest(c->digest);
        if (c->reason != 0)
            tip += u'\n' + m_matrix.string(c->reason);
        return tip;
    }
    case Qt::BackgroundRole: return QBrush(stateColour(state));
    default: return {};
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
