// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/duration.h"

#include <QRegularExpression>

#include <cmath>

namespace ferry {

std::optional<qint64> parseDurationMs(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,12}(?:\\.\\d{1,9})?)\\s*(ms|s|m|h|d)?$"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const QString unit = m.captured(2);
    const bool decimal = m.captured(1).contains(u'.');
    if (unit.isEmpty() && decimal)
        return std::nullopt; // a bare number is whole seconds
    const double perUnit = unit == u"ms" ? 1.0
        : unit == u"m"                   ? 60'000.0
        : unit == u"h"                   ? 3'600'000.0
        : unit == u"d"                   ? 86'400'000.0
                                         : 1000.0;
    const double ms = m.captured(1).toDouble() * perUnit;
    constexpr double kMax = 100.0 * 365 * 86'400'000.0;
    if (!std::isfinite(ms) || ms > kMax)
        return std::nullopt;
    return qint64(std::llround(ms));
}

std::optional<qint64> parseDurationSeconds(const QString &text)
{
    const auto ms = parseDurationMs(text);
    if (!ms || *ms % 1000 != 0)
        return std::nullopt;
    return *ms / 1000;
}

QString durationGrammar()
{
    return QStringLiteral("a duration like 250ms, 90s, 15m, 1.5h or 7d");
}

} // namespace ferry
