// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace ferry::pages {

// The dashboard's pages, in the order the window's sidebar, the terminal's tabs (1-8) and the
// --page options of ferry and ferryctl tui name them: the one list the three faces read.
const QStringList &names();

// The page's position for a name given on the command line (any case); nullopt for none.
std::optional<int> indexOf(const QString &name);

// The names for a message or a help text: "overview, images, ... charts or copies".
QString spelled();

} // namespace ferry::pages
