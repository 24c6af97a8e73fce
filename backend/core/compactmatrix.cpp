// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/compactmatrix.h"
#include "parse/semver.h"

#include "plan/plan.h"
#include "report/progress.h"
#include "store/matrixtables.h"

#include <QTimeZone>

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

namespace ferry {

namespace {

constexpr quint32 kOtherDigest = 0x80000000u; // flag: the id is a key of m_otherDigests

// A canonical "sha256:<64 lower-case hex>" digest as its 32 bytes; anything else is kept as text.
bool sha256Hex(QByteArrayView digest, std::array<quint8, 32> *out)
{
    if (digest.size() != 71 || !digest.startsWith("sha256:"))
        return false;
    const auto nibble = [](char u) -> int {
        if (u >= '0' && u <= '9')
            return u - '0';
        if (u >= 'a' && u <= 'f')
            return u - 'a' + 10;
        return -1; // upper case is not canonical: keep such a digest as text
    };
    for (int i = 0; i < 32; ++i) {
        const int hi = nibble(digest[7 + 2 * i]), lo = nibble(digest[8 + 2 * i]);
        if (hi < 0 || lo < 0)
            return false;
        (*out)[size_t(i)] = quint8(hi << 4 | lo);
    }
    return true;
}

// The next field of a row's cells up to `separator` (or the end); `rest` moves past it.
QByteArrayView nextField(QByteArrayView *rest, char separator)
{
    const qsizetype at = rest->indexOf(separator);
    const QByteArrayView field = at < 0 ? *rest : rest->first(at);
    *rest = at < 0 ? QByteArrayView() : rest->sliced(at + 1);
    return field;
}

// The index of a name given in UTF-8 in names (-1 if absent), through utf8: their UTF-8,
// extended as far as the names have been needed.
qsizetype indexOfUtf8(const QStringList &names, QList<QByteArray> *utf8, QByteArrayView name)
{
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (i == utf8->size())
            utf8->append(names.at(i).toUtf8());
        if (QByteArrayView(utf8->at(i)) == name)
            return i;
    }
    return -1;
}

qint64 msField(QByteArrayView f)
{
    qint64 v = 0;
    std::from_chars(f.data(), f.data() + f.size(), v);
    return v;
}

qint64 toMs(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

QDateTime fromMs(qint64 ms)
{
    return ms == 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

} // namespace

void CompactMatrix::reserve(qsizetype rows)
{
    m_rows.reserve(size_t(rows));
    m_cells.reserve(size_t(rows) * 3);
}

quint32 CompactMatrix::intern(const QString &s)
{
    if (s.isEmpty())
        return 0;
    const auto it = m_stringIds.constFind(s);
    if (it != m_stringIds.constEnd())
        return *it;
    const quint32 id = quint32(m_strings.size());
    m_strings.append(s);
    m_stringIds.insert(s, id);
    return id;
}

quint8 CompactMatrix::stateOf(const QString &s)
{
    qsizetype i = m_states.indexOf(s);
    if (i < 0) {
        Q_ASSERT(m_states.size() < 255);
        m_states.append(s);
        i = m_states.size() - 1;
    }
    return quint8(i);
}

QString CompactMatrix::digest(quint32 id) const
{
    if (id == 0)
        return {};
    if (id & kOtherDigest)
        return m_otherDigests.value(id);
    static const char hex[] = "0123456789abcdef";
    QString out(71, Qt::Uninitialized);
    QChar *p = out.data();
    for (char c : {'s', 'h', 'a', '2', '5', '6', ':'})
        *p++ = QLatin1Char(c);
    for (quint8 b : m_sha256[id]) {
        *p++ = QLatin1Char(hex[b >> 4]);
        *p++ = QLatin1Char(hex[b & 15]);
    }
    return out;
}

CompactMatrix::Row CompactMatrix::encode(const MatrixRow &r)
{
    Row row;
    row.repository = intern(r.repository);
    row.tag = intern(r.tag); // tags repeat across repositories (1.2.3, latest)
    row.reason = intern(r.reason);
    row.state = stateOf(r.state);
    row.inPlan = r.inPlan;
    row.firstCell = quint32(m_cells.size());
    for (auto it = r.cells.constBegin(); it != r.cells.constEnd(); ++it) {
        qsizetype reg = m_registryNames.indexOf(it.key());
        if (reg < 0) {
            m_registryNames.append(it.key());
            reg = m_registryNames.size() - 1;
        }
        Cell c;
        c.registry = quint8(reg);
        c.state = stateOf(it->state);
        c.reason = intern(it->reason);
        c.mediaType = intern(it->mediaType);
        c.digest = digestOf(QByteArrayView(it->digest.toUtf8()), row.firstCell);
        c.firstSeenMs = toMs(it->firstSeen);
        c.lastSeenMs = toMs(it->lastSeen);
        m_cells.push_back(c);
    }
    row.cellCount = quint8(m_cells.size() - row.firstCell);
    return row;
}

quint32 CompactMatrix::intern(QByteArrayView utf8, Utf8Run *run)
{
    if (utf8.isEmpty())
        return 0;
    if (!run) { // a small cache by hash: tags and reasons repeat across repositories (1.2.3, latest)
        if (m_recentUtf8.empty())
            m_recentUtf8.resize(kRecentUtf8);
        run = &m_recentUtf8[qHash(utf8) % kRecentUtf8];
    }
    if (run->id != 0 && QByteArrayView(run->utf8) == utf8)
        return run->id;
    const quint32 id = intern(QString::fromUtf8(utf8));
    *run = {utf8.toByteArray(), id};
    return id;
}

quint8 CompactMatrix::stateOf(QByteArrayView utf8)
{
    const qsizetype i = indexOfUtf8(m_states, &m_statesUtf8, utf8);
    return i >= 0 ? quint8(i) : stateOf(QString::fromUtf8(utf8));
}

int CompactMatrix::registryOf(QByteArrayView utf8)
{
    const qsizetype i = indexOfUtf8(m_registryNames, &m_registryNamesUtf8, utf8);
    if (i >= 0)
        return int(i);
    m_registryNames.append(QString::fromUtf8(utf8));
    return int(m_registryNames.size() - 1);
}

quint32 CompactMatrix::digestOf(QByteArrayView digest, quint32 firstCell)
{
    if (digest.isEmpty())
        return 0;
    std::array<quint8, 32> bytes{};
    const bool sha = sha256Hex(digest, &bytes);
    const QString text = sha ? QString() : QString::fromUtf8(digest);
    for (size_t k = firstCell; k < m_cells.size(); ++k) {
        const quint32 id = m_cells[k].digest;
        if (id == 0)
            continue;
        if (sha ? (!(id & kOtherDigest) && m_sha256[id] == bytes) : ((id & kOtherDigest) && m_otherDigests.value(id) == text))
            return id;
    }
    if (sha) {
        m_sha256.push_back(bytes);
        return quint32(m_sha256.size() - 1);
    }
    const quint32 id = kOtherDigest | quint32(m_otherDigests.size());
    m_otherDigests.insert(id, text);
    return id;
}

void CompactMatrix::append(const RawMatrixRow &r)
{
    Row row;
    row.repository = intern(r.repository, &m_repositoryRun);
    row.tag = intern(r.tag, nullptr);
    row.reason = intern(r.reason, nullptr);
    row.state = stateOf(r.state);
    row.inPlan = r.inPlan;
    row.firstCell = quint32(m_cells.size());
    QByteArrayView cells = r.cells;
    QByteArrayView lastDigestText;
    while (!cells.isEmpty()) {
        QByteArrayView cellText = nextField(&cells, '\x1e');
        QByteArrayView f[7];
        int n = 0;
        while (n < 7 && !cellText.isNull())
            f[n++] = nextField(&cellText, '\x1f');
        if (n < 7 || f[0].isEmpty())
            continue;
        Cell c;
        c.registry = quint8(registryOf(f[0]));
        c.state = stateOf(f[1]);
        // The cells of a row mostly hold one digest: the same text as the last cell's is its id.
        c.digest = !f[2].isEmpty() && f[2] == lastDigestText ? m_cells.back().digest : digestOf(f[2], row.firstCell);
        lastDigestText = f[2];
        c.reason = intern(f[3], nullptr);
        c.mediaType = intern(f[4], &m_mediaTypeRun);
        c.firstSeenMs = msField(f[5]);
        c.lastSeenMs = msField(f[6]);
        m_cells.push_back(c);
    }
    row.cellCount = quint8(m_cells.size() - row.firstCell);
    m_rows.push_back(row);
}

CompactMatrix CompactMatrix::fromStore(const Store &store)
{
    CompactMatrix m;
    m.reserve(MatrixTables(store).matrixRowCount());
    const qint64 n = MatrixTables(store).forEachRawMatrixRow([&m](const RawMatrixRow &r) {
        m.append(r);
        return true;
    });
    if (n < 0) {
        m = CompactMatrix();
        MatrixTables(store).forEachMatrixRow([&m](MatrixRow &&r) {
            m.append(r);
            return true;
        });
    }
    return m;
}

void CompactMatrix::append(const MatrixRow &row)
{
    m_rows.push_back(encode(row));
}

void CompactMatrix::replace(int index, const MatrixRow &row)
{
    m_rows[size_t(index)] = encode(row);
}

quint32 CompactMatrix::digestOrdinal(quint32 id) const
{
    return id & kOtherDigest ? quint32(m_sha256.size()) + (id & ~kOtherDigest) : id;
}

const CompactMatrix::Cell *CompactMatrix::cell(int i, int registry) const
{
    const Row &r = m_rows[size_t(i)];
    for (quint32 k = r.firstCell; k < r.firstCell + r.cellCount; ++k)
        if (m_cells[k].registry == registry)
            return &m_cells[k];
    return nullptr;
}

MatrixRow CompactMatrix::row(int index) const
{
    const Row &r = m_rows[size_t(index)];
    MatrixRow out;
    out.repository = m_strings.at(r.repository);
    out.tag = m_strings.at(r.tag);
    out.state = m_states.at(r.state);
    out.reason = m_strings.at(r.reason);
    out.inPlan = r.inPlan;
    for (quint32 k = r.firstCell; k < r.firstCell + r.cellCount; ++k) {
        const Cell &c = m_cells[k];
        out.cells.insert(m_registryNames.at(c.registry),
                         MatrixCell{digest(c.digest), m_states.at(c.state), m_strings.at(c.reason), m_strings.at(c.mediaType),
                                    fromMs(c.firstSeenMs), fromMs(c.lastSeenMs)});
    }
    return out;
}

const std::vector<quint32> &CompactMatrix::stringRanks() const
{
    if (m_ranks.size() != size_t(m_strings.size())) {
        std::vector<quint32> ids(size_t(m_strings.size()));
        for (size_t k = 0; k < ids.size(); ++k)
            ids[k] = quint32(k);
        // As people read tags and names: 1.9.0 before 1.10.0, a prerelease before its release.
        // The keys side by side in one buffer: a million strings' keys as separate arrays cost
        // about 50 MiB more at the peak.
        std::string keys;
        std::vector<size_t> at(ids.size() + 1, 0);
        for (size_t k = 0; k < ids.size(); ++k) {
            const QByteArray key = versionSortKey(m_strings.at(qsizetype(k)));
            keys.append(key.constData(), size_t(key.size()));
            at[k + 1] = keys.size();
        }
        const auto keyOf = [&](quint32 i) { return std::string_view(keys).substr(at[i], at[i + 1] - at[i]); };
        std::sort(ids.begin(), ids.end(), [&](quint32 a, quint32 b) {
            const int c = keyOf(a).compare(keyOf(b));
            return c != 0 ? c < 0 : m_strings.at(a) < m_strings.at(b);
        });
        m_ranks.assign(ids.size(), 0);
        for (size_t k = 0; k < ids.size(); ++k)
            m_ranks[ids[k]] = quint32(k);
    }
    return m_ranks;
}

qint64 CompactMatrix::approximateBytes() const
{
    qint64 strings = 0;
    for (const QString &s : m_strings)
        strings += 2 * (24 + 2 * (s.size() + 1) + 16); // the pool and the hash's key
    return qint64(m_rows.capacity() * sizeof(Row) + m_cells.capacity() * sizeof(Cell) + m_sha256.capacity() * 32 + m_ranks.capacity() * 4) +
        strings;
}

void CompactMatrix::tally(ProgressTally *tally) const
{
    std::vector<int> states, registries;
    for (const QString &s : m_states)
        states.push_back(tally->stateCode(s));
    for (const QString &r : m_registryNames)
        registries.push_back(tally->registryCode(r));
    std::vector<ProgressTally::Cell> cells;
    for (const Row &row : m_rows) {
        cells.clear();
        for (quint32 k = row.firstCell; k < row.firstCell + row.cellCount; ++k) {
            const Cell &c = m_cells[k];
            cells.push_back({registries[c.registry], states[c.state], c.digest != 0});
        }
        tally->add(states[row.state], row.inPlan, cells);
    }
}

QStringList registryColumnOrder(const Plan *plan, const QList<RegistryRecord> &recorded)
{
    QStringList order;
    if (plan) {
        for (const PlanRegistry &r : plan->registries)
            order << r.name;
        return order;
    }
    static const QStringList roles{QStringLiteral("source"), QStringLiteral("target"), QStringLiteral("replica"), QStringLiteral("cache"),
                                   QStringLiteral("legacy")};
    QList<RegistryRecord> byRole = recorded;
    std::stable_sort(byRole.begin(), byRole.end(), [](const RegistryRecord &a, const RegistryRecord &b) {
        const qsizetype ra = roles.indexOf(a.role), rb = roles.indexOf(b.role);
        return (ra < 0 ? roles.size() : ra) < (rb < 0 ? roles.size() : rb);
    });
    for (const RegistryRecord &r : std::as_const(byRole))
        order << r.name;
    return order;
}

QStringList columnsInOrder(const QStringList &order, QStringList present)
{
    QStringList out;
    for (const QString &name : order)
        if (present.removeOne(name))
            out << name;
    present.sort();
    return out + present;
}

} // namespace ferry
