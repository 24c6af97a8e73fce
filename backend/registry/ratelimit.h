// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace ferry {

struct HttpResponse;

// Docker Hub's pull budget, read from the ratelimit-* headers of a manifest response.
// Paid accounts get no headers: present stays false.
// "48 pulls needed, 12 of 100 left; at 100 per 6 h the rest takes about 2.2 h": pulls a copy
// needs at a source against what its budget has left (remaining < 0: not reported), for every
// face (copy plan, the Registries page, the terminal).
QString pullsAgainstBudgetText(qint64 pulls, qint64 remaining, qint64 limit, qint64 windowSeconds);

struct RateLimitReading
{
    bool present = false;
    int limit = -1;
    int remaining = -1;
    int windowSeconds = -1;
    QString source;
    QDateTime observedAt;

    static RateLimitReading fromResponse(const HttpResponse &response);
    // Whether this reading replaces current. Answers to requests sent side by side arrive in any
    // order: a count higher than a reading less than a second old is an older answer, not pulls
    // given back (taken as one, it let eight copy workers run past the floor into 429s).
    bool supersedes(const RateLimitReading &current) const;
    // "100;w=21600" -> (100, 21600); tolerant of extra parameters and comma lists.
    static bool parseValue(const QByteArray &value, int *count, int *window);
};

} // namespace ferry

Q_DECLARE_METATYPE(ferry::RateLimitReading)
