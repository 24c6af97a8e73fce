// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

namespace ferry::digest {

// sha256:<64 lower hex> or sha512:<128 lower hex>; anything else is refused before it is
// put into a URL (a DELETE URL above all).
bool isValid(QStringView digest);
// Hashes the raw bytes with the algorithm the digest names (sha256 when empty).
QString compute(const QByteArray &raw, QStringView algorithm = u"sha256");
QString algorithmOf(QStringView digest);
bool matches(const QByteArray &raw, QStringView digest);
// A digest computed piece by piece, for bytes that stream (a layer of hundreds of MB). OpenSSL's
// libcrypto, which Qt's TLS already loads: it uses the CPU's SHA extensions, about ten times
// Qt's own SHA-256 here (2.2 s for 300 MiB), which was most of a large layer's copy time.
class Hasher
{
public:
    explicit Hasher(QStringView algorithm = u"sha256");
    ~Hasher();
    Hasher(const Hasher &) = delete;
    Hasher &operator=(const Hasher &) = delete;

    void add(const char *data, qsizetype size);
    void add(const QByteArray &bytes) { add(bytes.constData(), bytes.size()); }
    // "sha256:<hex>"; the hasher is spent afterwards.
    QString result();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// The referrers tag schema: sha256:abc… -> sha256-abc…
QString toTagSchema(QStringView digest);

} // namespace ferry::digest
