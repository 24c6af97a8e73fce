// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "net/retrypolicy.h"

#include <QLocale>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace ferry::retry {

bool isRetryableStatus(int status)
{
    switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504: return true;
    default: return false;
    }
}

std::optional<qint64> parseRetryAfterMs(const QByteArray &value, const QDateTime &now)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 secs = v.toLongLong(&ok);
    if (ok)
        return secs >= 0 ? std::optional<qint64>(secs * 1000) : std::nullopt;
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 2822 parsing accepts it).
    QDateTime when = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
    if (!when.isValid()) {
        // Obsolete RFC 850 / asctime forms are rare; try the one Go's http.TimeFormat writes.
        when = QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
        if (when.isValid())
            when.setTimeZone(QTimeZone::utc());
    }
    if (!when.isValid())
        return std::nullopt;
    return std::max<qint64>(0, now.msecsTo(when));
}

int backoffMs(int attempt, int baseMs, int capMs, double random01)
{
    const double exp = baseMs * std::pow(2.0, std::max(0, attempt - 1));
    const double capped = std::min<double>(exp, capMs);
    const double jittered = capped / 2.0 + (capped / 2.0) * std::clamp(random01, 0.0, 1.0);
    return static_cast<int>(jittered);
}

} // namespace ferry::retry
