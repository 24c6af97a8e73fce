// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/digest.h"

#include <openssl/evp.h>

namespace ferry::digest {

static bool isLowerHex(QStringView s)
{
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f')))
            return false;
    }
    return true;
}

bool isValid(QStringView d)
{
    if (d.startsWith(u"sha256:"))
        return d.size() == 7 + 64 && isLowerHex(d.mid(7));
    if (d.startsWith(u"sha512:"))
        return d.size() == 7 + 128 && isLowerHex(d.mid(7));
    return false;
}

QString algorithmOf(QStringView d)
{
    const auto colon = d.indexOf(u':');
    return colon > 0 ? d.left(colon).toString() : QString();
}

struct Hasher::State
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    QString prefix;
    ~State() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(QStringView algorithm)
    : m_state(std::make_unique<State>())
{
    const bool sha512 = algorithm == u"sha512";
    m_state->prefix = sha512 ? QStringLiteral("sha512:") : QStringLiteral("sha256:");
    // Neither fails for lack of anything but memory, which ends the process anyway.
    EVP_DigestInit_ex(m_state->ctx, sha512 ? EVP_sha512() : EVP_sha256(), nullptr);
}

Hasher::~Hasher() = default;

void Hasher::add(const char *data, qsizetype size)
{
    if (size > 0)
        EVP_DigestUpdate(m_state->ctx, data, size_t(size));
}

QString Hasher::result()
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_state->ctx, md, &len);
    return m_state->prefix + QString::fromLatin1(QByteArray::fromRawData(reinterpret_cast<const char *>(md), int(len)).toHex());
}

QString compute(const QByteArray &raw, QStringView algorithm)
{
    Hasher h(algorithm);
    h.add(raw);
    return h.result();
}

bool matches(const QByteArray &raw, QStringView d)
{
    return isValid(d) && compute(raw, algorithmOf(d)) == d;
}

QString toTagSchema(QStringView d)
{
    const auto colon = d.indexOf(u':');
    if (colon <= 0)
        return {};
    return d.left(colon).left(32).toString() + u'-' + d.mid(colon + 1).left(64).toString();
}

} // namespace ferry::digest
