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
struct RateLimitReading
{
    bool present = false;
    int limit = -1;
    int remaining = -1;
    int windowSeconds = -1;
    QString source;
    QDateTime observedAt;

    static RateLimitReading fromResponse(const HttpResponse &response);
    // "100;w=21600" -> (100, 21600); tolerant of extra parameters and comma lists.
    static bool parseValue(const QByteArray &value, int *count, int *window);
};

} // namespace ferry

Q_DECLARE_METATYPE(ferry::RateLimitReading)
