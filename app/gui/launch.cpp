// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "gui/launch.h"

#include "plan/plan.h"

#include <QFileInfo>
#include <QSettings>

namespace ferry {

Launch resolveLaunch(const QString &planOption, const QStringList &positionals, const QString &dbOption, bool demo)
{
    Launch l;
    l.plan = planOption;
    if (l.plan.isEmpty() && !positionals.isEmpty())
        l.plan = positionals.constFirst();
    if (l.plan.isEmpty() && !demo) {
        l.plan = QSettings().value(QStringLiteral("plan/last")).toString();
        if (!l.plan.isEmpty() && !QFileInfo::exists(l.plan))
            l.plan.clear();
    }
    l.db = chooseStoreLocation(dbOption, l.plan);
    if (!l.plan.isEmpty())
        QSettings().setValue(QStringLiteral("plan/last"), l.plan);
    return l;
}

} // namespace ferry
