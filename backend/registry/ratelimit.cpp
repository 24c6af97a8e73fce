// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registry/ratelimit.h"

#include "net/httptypes.h"

namespace ferry {

QString pullsAgainstBudgetText(qint64 pulls, qint64 remaining, qint64 limit, qint64 windowSeconds)
{
    QString text = QStringLiteral("%1 pulls needed").arg(pulls);
    if (remaining < 0 || limit <= 0)
        return text + QStringLiteral(", the budget not reported");
    text += QStringLiteral(", %1 of %2 left").arg(remaining).arg(limit);
    if (windowSeconds > 0 && pulls > remaining)
        text += QStringLiteral("; at %1 per %2 h the rest takes about %3 h")
                    .arg(limit)
                    .arg(QString::number(windowSeconds / 3600.0))
                    .arg(QString::number(double(pulls - remaining) * double(windowSeconds) / double(limit) / 3600.0, 'f', 1));
    return text;
}

bool RateLimitReading::parseValue(const QByteArray &value, int *count, int *window)
{
    // Hub has sent "100;w=21600" and "100, 100;w=21600"; the first number is the budget.
    const QByteArray first = value.split(',').constFirst().trimmed();
    const QList<QByteArray> parts = first.split(';');
    bool ok = false;
    const int n = parts.constFirst().trimmed().toInt(&ok);
    if (!ok)
        return false;
    *count = n;
    *window = -1;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray p = parts.at(i).trimmed();
        if (p.startsWith("w=")) {
            bool wok = false;
            const int w = p.mid(2).toInt(&wok);
            if (wok)
                *window = w;
        }
    }
    // The window of the second element, when present, is the real one.
    const QList<QByteArray> all = value.split(',');
    for (const QByteArray &item : all) {
        const auto w = item.indexOf("w=");
        if (w >= 0 && *window < 0)
            *window = item.mid(w + 2).trimmed().toInt();
    }
    return true;
}

RateLimitReading RateLimitReading::fromResponse(const HttpResponse &response)
{
    RateLimitReading r;
    const QByteArray limit = response.header("ratelimit-limit");
    const QByteArray remaining = response.header("ratelimit-remaining");
    if (limit.isEmpty() && remaining.isEmpty())
        return r;
    int window = -1;
    if (!limit.isEmpty() && parseValue(limit, &r.limit, &window))
        r.windowSeconds = window;
    if (!remaining.isEmpty() && parseValue(remaining, &r.remaining, &window) && r.windowSeconds < 0)
        r.windowSeconds = window;
    r.source = QString::fromLatin1(response.header("docker-ratelimit-source"));
    r.present = r.limit >= 0 || r.remaining >= 0;
    r.observedAt = QDateTime::currentDateTimeUtc();
    return r;
}

bool RateLimitReading::supersedes(const RateLimitReading &current) const
{
    if (!current.present || !current.observedAt.isValid() || !observedAt.isValid())
        return true;
    if (remaining <= current.remaining || limit != current.limit)
        return true;
    return current.observedAt.msecsTo(observedAt) >= 1000;
}

} // namespace ferry
