// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QDateTime>

#include <optional>

namespace ferry::retry {

// 408, 429, 500, 502, 503, 504: worth another try. 501 and every other 4xx are final.
bool isRetryableStatus(int status);

// Retry-After as delta-seconds or an HTTP-date; a past date means "now" (0); garbage means
// nothing (nullopt), and the caller falls back to its own backoff.
std::optional<qint64> parseRetryAfterMs(const QByteArray &value, const QDateTime &now);

// Exponential backoff with full jitter in [base*2^(attempt-1)/2, base*2^(attempt-1)],
// capped. attempt starts at 1; random01 is in [0,1).
int backoffMs(int attempt, int baseMs, int capMs, double random01);

} // namespace ferry::retry
