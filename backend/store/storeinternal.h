// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

// Shared by the store's source files only: the schema steps and how values are kept.

#include "store/store.h"

namespace ferry::storesql {

// The schema version this Ferry writes, and the steps that bring a database to it:
// migrations()[v] takes a database from version v to v + 1.
inline constexpr int kSchemaVersion = 5;
const char *const *migrations();

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
