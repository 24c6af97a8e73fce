// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/severity.h"

#include <QColor>

namespace ferry {

// The window's background for a severity (matrix/severity.h): the one map from how a state
// reads to a colour, the palette the reports use too.
inline QColor severityColour(Severity severity)
{
    return QColor::fromRgb(severityBackground(severity));
}

} // namespace ferry
