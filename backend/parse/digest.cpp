// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/digest.h"

#include <QCryptographicHash>

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

QString compute(const QByteArray &raw, QStringView algorithm)
{
    if (algorithm == u"sha512")
        return QStringLiteral("sha512:") + QString::fromLatin1(QCryptographicHash::hash(raw, QCryptographicHash::Sha512).toHex());
    return QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(raw, QCryptographicHash::Sha256).toHex());
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
