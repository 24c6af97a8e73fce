// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>

#include <optional>

namespace ferry {

// The one grammar for a duration, in every flag and plan key: a number, decimals allowed, and a
// unit: ms, s, m, h or d ("250ms", "90s", "15m", "1.5h", "7d"); a bare whole number is seconds.
// In milliseconds; nullopt for anything else (no unit Ferry knows, a negative or absurdly large
// value: at most 100 years).
std::optional<qint64> parseDurationMs(const QString &text);

// The same, where only whole seconds make sense (plan keys): "1.5h" is 5400, "250ms" is refused.
std::optional<qint64> parseDurationSeconds(const QString &text);

// What the error messages say the grammar is.
QString durationGrammar();

} // namespace ferry
