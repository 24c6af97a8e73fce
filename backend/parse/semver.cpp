// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/semver.h"

#include <QRegularExpression>

namespace ferry {

std::optional<SemVersion> SemVersion::parse(QStringView text)
{
    static const QRegularExpression re(
        QStringLiteral("^v?(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*))?(?:\\.(0|[1-9]\\d*))?"
                       "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$"));
    const auto m = re.match(text.toString());
    if (!m.hasMatch())
        return std::nullopt;
    SemVersion v;
    v.major = m.captured(1).toLongLong();
    v.minor = m.captured(2).isEmpty() ? 0 : m.captured(2).toLongLong();
    v.patch = m.captured(3).isEmpty() ? 0 : m.captured(3).toLongLong();
    if (!m.captured(4).isEmpty())
        v.prerelease = m.captured(4).split(u'.');
    v.original = text.toString();
    return v;
}

int SemVersion::compare(const SemVersion &o) const
{
    if (major != o.major)
        return major < o.major ? -1 : 1;
    if (minor != o.minor)
        return minor < o.minor ? -1 : 1;
    if (patch != o.patch)
        return patch < o.patch ? -1 : 1;
    // A version without prerelease ranks above one with.
    if (prerelease.isEmpty() != o.prerelease.isEmpty())
        return prerelease.isEmpty() ? 1 : -1;
    for (qsizetype i = 0; i < qMin(prerelease.size(), o.prerelease.size()); ++i) {
        bool an = false, bn = false;
        const qint64 a = prerelease[i].toLongLong(&an);
        const qint64 b = o.prerelease[i].toLongLong(&bn);
        if (an && bn) {
            if (a != b)
                return a < b ? -1 : 1;
        } else if (an != bn) {
            return an ? -1 : 1; // numeric identifiers rank below alphanumeric ones
        } else if (const int c = prerelease[i].compare(o.prerelease[i]); c != 0) {
            return c < 0 ? -1 : 1;
        }
    }
    if (prerelease.size() != o.prerelease.size())
        return prerelease.size() < o.prerelease.size() ? -1 : 1;
    return 0;
}

namespace {

struct Partial
{
    SemVersion v;
    int parts = 0; // how many of major/minor/patch were given (wildcards count as absent)
};

std::optional<Partial> parsePartial(QString s)
{
    s = s.trimmed();
    if (s.startsWith(u'v') || s.startsWith(u'V'))
        s = s.mid(1);
    if (s.isEmpty() || s == u"*" || s == u"x" || s == u"X")
        return Partial{SemVersion{}, 0};
    QString core = s, pre;
    const auto plus = core.indexOf(u'+');
    if (plus >= 0)
        core = core.left(plus);
    const auto dash = core.indexOf(u'-');
    if (dash >= 0) {
        pre = core.mid(dash + 1);
        core = core.left(dash);
    }
    const QStringList parts = core.split(u'.');
    if (parts.size() > 3)
        return std::nullopt;
    Partial p;
    qint64 *fields[3] = {&p.v.major, &p.v.minor, &p.v.patch};
    bool wildcard = false;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString &f = parts[i];
        if (f == u"x" || f == u"X" || f == u"*") {
            wildcard = true;
            continue;
        }
        if (wildcard)
            return std::nullopt; // 1.x.3 means nothing
        bool ok = false;
        *fields[i] = f.toLongLong(&ok);
        if (!ok)
            return std::nullopt;
        p.parts = int(i) + 1;
    }
    if (!pre.isEmpty())
        p.v.prerelease = pre.split(u'.');
    return p;
}

// The lowest version above everything a partial version (1, 1.2) covers: 2.0.0-0, 1.3.0-0.
SemVersion bumped(const Partial &p)
{
    SemVersion v;
    if (p.parts == 1)
        v.major = p.v.major + 1;
    else if (p.parts == 2) {
        v.major = p.v.major;
        v.minor = p.v.minor + 1;
    } else {
        v = p.v;
        v.prerelease.clear();
        v.patch += 1;
    }
    v.prerelease = {QStringLiteral("0")};
    return v;
}

bool isSyntheticFloor(const SemVersion &v)
{
    return v.prerelease == QStringList{QStringLiteral("0")};
}

} // namespace

std::optional<SemverConstraint> SemverConstraint::parse(const QString &text, QString *error)
{
    SemverConstraint c;
    c.m_text = text;
    auto fail = [&](const QString &why) -> std::optional<SemverConstraint> {
        if (error)
            *error = QStringLiteral("invalid semver constraint '%1': %2").arg(text, why);
        return std::nullopt;
    };
    const QStringList ors = text.split(QStringLiteral("||"));
    for (QString group : ors) {
        group = group.trimmed();
        Group g;
        // Hyphen ranges first: "1.2 - 1.4.5".
        static const QRegularExpression hyphen(QStringLiteral("(\\S+)\\s+-\\s+(\\S+)"));
        for (auto it = hyphen.globalMatch(group); it.hasNext();) {
            const auto m = it.next();
            const auto a = parsePartial(m.captured(1));
            const auto b = parsePartial(m.captured(2));
            if (!a || !b)
                return fail(QStringLiteral("range %1 - %2").arg(m.captured(1), m.captured(2)));
            g.append({Bound::Ge, a->v});
            if (b->parts == 3)
                g.append({Bound::Le, b->v});
            else if (b->parts > 0)
                g.append({Bound::Lt, bumped(*b)});
        }
        group.replace(hyphen, QString());
        // "> = 1.2" and ">= 1.2" become one token.
        static const QRegularExpression opSpace(QStringLiteral("(>=|<=|!=|=>|=<|~>|>|<|=|~|\\^)\\s+"));
        group.replace(opSpace, QStringLiteral("\\1"));
        static const QRegularExpression sep(QStringLiteral("[,\\s]+"));
        const QStringList tokens = group.split(sep, Qt::SkipEmptyParts);
        for (const QString &tok : tokens) {
            static const QRegularExpression opRe(QStringLiteral("^(>=|<=|!=|=>|=<|~>|>|<|=|~|\\^)?(.*)$"));
            const auto m = opRe.match(tok);
            const QString op = m.captured(1);
            const auto p = parsePartial(m.captured(2));
            if (!p)
                return fail(QStringLiteral("cannot read '%1'").arg(tok));
            const SemVersion v = p->v;
            if (op == u"~" || op == u"~>") {
                g.append({Bound::Ge, v});
                if (p->parts > 0) {
                    Partial up = *p;
                    up.parts = p->parts >= 2 ? 2 : 1;
                    g.append({Bound::Lt, bumped(up)});
                }
            } else if (op == u"^") {
                g.append({Bound::Ge, v});
                if (p->parts > 0) {
                    Partial up = *p;
                    if (v.major > 0 || p->parts == 1)
                        up.parts = 1;
                    else if (v.minor > 0 || p->parts == 2)
                        up.parts = 2;
                    else
                        up.parts = 3;
                    g.append({Bound::Lt, bumped(up)});
                }
            } else if (op.isEmpty() || op == u"=") {
                if (p->parts == 3)
                    g.append({Bound::Eq, v});
                else if (p->parts > 0) {
                    g.append({Bound::Ge, v});
                    g.append({Bound::Lt, bumped(*p)});
                } // "*" matches every release
            } else if (op == u"!=") {
                if (p->parts != 3)
                    return fail(QStringLiteral("!= needs a full version"));
                g.append({Bound::Ne, v});
            } else if (op == u">") {
                if (p->parts == 3 || p->parts == 0)
                    g.append({Bound::Gt, v});
                else
                    g.append({Bound::Ge, bumped(*p)});
            } else if (op == u">=" || op == u"=>") {
                g.append({Bound::Ge, v});
            } else if (op == u"<") {
                g.append({Bound::Lt, v});
            } else if (op == u"<=" || op == u"=<") {
                if (p->parts == 3)
                    g.append({Bound::Le, v});
                else
                    g.append({Bound::Lt, bumped(*p)});
            }
        }
        c.m_groups.append(g);
    }
    if (text.trimmed().isEmpty())
        return fail(QStringLiteral("empty"));
    return c;
}

bool SemverConstraint::matches(const SemVersion &v) const
{
    for (const Group &g : m_groups) {
        bool ok = true;
        bool prereleaseAllowed = !v.isPrerelease();
        for (const Bound &b : g) {
            const int c = v.compare(b.version);
            switch (b.op) {
            case Bound::Eq: ok = c == 0; break;
            case Bound::Ne: ok = c != 0; break;
            case Bound::Gt: ok = c > 0; break;
            case Bound::Ge: ok = c >= 0; break;
            case Bound::Lt: ok = c < 0; break;
            case Bound::Le: ok = c <= 0; break;
            }
            if (b.version.isPrerelease() && !isSyntheticFloor(b.version) && b.version.major == v.major && b.version.minor == v.minor &&
                b.version.patch == v.patch)
                prereleaseAllowed = true;
            if (!ok)
                break;
        }
        if (ok && prereleaseAllowed)
            return true;
    }
    return false;
}

bool SemverConstraint::matches(QStringView tag) const
{
    const auto v = SemVersion::parse(tag);
    return v && matches(*v);
}

bool versionLess(const QString &a, const QString &b)
{
    const auto va = SemVersion::parse(a);
    const auto vb = SemVersion::parse(b);
    if (va && vb) {
        const int c = va->compare(*vb);
        return c != 0 ? c < 0 : a < b;
    }
    if (va || vb)
        return bool(va);
    return a < b;
}

QByteArray versionSortKey(QStringView text)
{
    // Bytes below a space mark the structure: 0x02 a version's '-', 0x03 a version's end, 0x04 + n
    // a run of n digits (leading zeros dropped, n at most 20), then the digits.
    const bool versionLike =
        !text.isEmpty() && (text.front().isDigit() || (text.size() > 1 && text.front() == u'v' && text.at(1).isDigit()));
    QByteArray key;
    key.reserve(text.size() + 8);
    for (qsizetype i = 0; i < text.size();) {
        const QChar c = text.at(i);
        if (c >= u'0' && c <= u'9') {
            qsizetype end = i;
            while (end < text.size() && text.at(end) >= u'0' && text.at(end) <= u'9')
                ++end;
            qsizetype first = i;
            while (first + 1 < end && text.at(first) == u'0')
                ++first;
            const qsizetype n = qMin<qsizetype>(end - first, 20);
            key.append(char(0x04 + n));
            for (qsizetype k = end - n; k < end; ++k)
                key.append(char(text.at(k).unicode()));
            i = end;
            continue;
        }
        if (versionLike && c == u'-')
            key.append('\x02');
        else if (c.unicode() < 0x80)
            key.append(char(c.unicode()));
        else
            key.append(text.mid(i, 1).toUtf8());
        ++i;
    }
    if (versionLike)
        key.append('\x03');
    return key;
}

} // namespace ferry
