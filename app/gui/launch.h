// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>
#include <QStringList>

namespace ferry {

// What `ferry` opens: the plan given (--plan, else the first argument: the desktop entry's
// Exec and a file manager's Open pass the file), else the last plan used unless the demo was
// asked for or that file is gone; and the store by the one rule every face follows
// (chooseStoreLocation: --db, the plan's store: key, FERRY_DB, else a file beside the plan).
// Remembers the plan as the last one used.
struct Launch
{
    QString plan;
    QString db;
};
Launch resolveLaunch(const QString &planOption, const QStringList &positionals, const QString &dbOption, bool demo);

} // namespace ferry
