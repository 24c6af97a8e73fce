// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/pages.h"

namespace ferry::pages {

const QStringList &names()
{
    static const QStringList list{QStringLiteral("overview"), QStringLiteral("images"),     QStringLiteral("replication"),
                                  QStringLiteral("cleanup"),  QStringLiteral("registries"), QStringLiteral("clients"),
                                  QStringLiteral("charts"),   QStringLiteral("copies")};
    return list;
}

std::optional<int> indexOf(const QString &name)
{
    const qsizetype i = names().indexOf(name.toLower());
    return i < 0 ? std::nullopt : std::optional<int>(int(i));
}

QString spelled()
{
    return names().mid(0, names().size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" or ") + names().constLast();
}

} // namespace ferry::pages
