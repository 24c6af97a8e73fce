// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ferry {

// A semantic version as tags carry it: an optional leading v, MAJOR[.MINOR[.PATCH]],
// -prerelease, +build (ignored for ordering).
struct SemVersion
{
    qint64 major = 0, minor = 0, patch = 0;
    QStringList prerelease;
    QString original;

    static std::optional<SemVersion> parse(QStringView text);
    bool isPrerelease() const { return !prerelease.isEmpty(); }
    int compare(const SemVersion &other) const; // <0, 0, >0 by semver precedence
};

// Orders version strings: semver precedence (1.9.1 before 1.10.0), the text breaking ties;
// versions that are not semver come after, by text.
bool versionLess(const QString &a, const QString &b);

// A key that orders text as people read tags and names when its bytes are compared: a run of
// digits by its number (1.9.0 before 1.10.0, app-2 before app-10), and in a tag that starts
// like a version (a digit, or v and a digit) a prerelease before its release (1.0.0-rc.1 before
// 1.0.0) and a release before a longer one (1.0.0 before 1.0.0.1). Cheap enough for a million
// strings: no regular expression, one pass.
QByteArray versionSortKey(QStringView text);

// Constraints in the Masterminds/semver syntax retagger, skopeo and Flux use:
// comparisons (=, !=, >, <, >=, <=), hyphen ranges (1.2 - 1.4.5), tilde (~1.2.3),
// caret (^1.2), wildcards (1.2.x, 1.*), AND with commas or spaces, OR with ||.
// As there, a prerelease version only matches a constraint group that names a
// prerelease of the same major.minor.patch.
class SemverConstraint
{
public:
    static std::optional<SemverConstraint> parse(const QString &text, QString *error);
    bool matches(const SemVersion &v) const;
    bool matches(QStringView tag) const;
    QString text() const { return m_text; }

private:
    struct Bound
    {
        enum Op { Eq, Ne, Gt, Ge, Lt, Le } op = Eq;
        SemVersion version;
    };
    using Group = QList<Bound>;
    QList<Group> m_groups;
    QString m_text;
};

} // namespace ferry
