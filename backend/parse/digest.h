// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QString>

namespace ferry::digest {

// sha256:<64 lower hex> or sha512:<128 lower hex>; anything else is refused before it is
// put into a URL (a DELETE URL above all).
bool isValid(QStringView digest);
// Hashes the raw bytes with the algorithm the digest names (sha256 when empty).
QString compute(const QByteArray &raw, QStringView algorithm = u"sha256");
QString algorithmOf(QStringView digest);
bool matches(const QByteArray &raw, QStringView digest);
// The referrers tag schema: sha256:abc… -> sha256-abc…
QString toTagSchema(QStringView digest);

} // namespace ferry::digest
