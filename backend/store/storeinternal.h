// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

// Shared by the store's source files only: the schema steps and how values are kept.

#include "store/store.h"

#include <span>

namespace ferry::storesql {

// One topic of the schema and the steps that bring its tables to this Ferry's version:
// steps[v] takes the topic from version v to v + 1. legacySteps[v] is the number the step
// had in the single list of databases from before topics.
struct SchemaTopic
{
    const char *name;
    std::span<const char *const> steps;
    std::span<const int> legacySteps;
};
std::span<const SchemaTopic> schemaTopics();

// user_version of a database whose versions are kept per topic (schema_topics); 1 to 5 are
// the single list's versions, read as topic versions when such a database is opened.
inline constexpr int kTopicsUserVersion = 6;

// The advisory lock every PostgreSQL write transaction takes first ("Ferry" in ASCII), and the
// class (first key) of the named session locks, whose second key is hashtext(name).
inline constexpr qint64 kWriteLockKey = 0x4665727279;
inline constexpr int kNamedLockClass = 0x46657272;

// A schema statement as this engine takes it. The steps are written for SQLite; PostgreSQL
// gets 64-bit integers (times are milliseconds), identity keys for INTEGER PRIMARY KEY, text
// ordered by its bytes as SQLite orders it (COLLATE "C"), and no WITHOUT ROWID.
QString schemaStatement(const QString &sqlite, bool postgres);

inline QVariant ms(const QDateTime &t)
{
    return storedTime(t);
}

inline QDateTime fromMs(const QVariant &v)
{
    return timeFromStore(v);
}

inline QString key(const QString &repository, const QString &tag)
{
    return repository + u'\n' + tag;
}

} // namespace ferry::storesql
