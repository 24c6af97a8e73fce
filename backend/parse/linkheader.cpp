// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/linkheader.h"

#include <QList>

namespace ferry {

QUrl nextLink(const QByteArray &header, const QUrl &base, bool *malformed)
{
    if (malformed)
        *malformed = false;
    if (header.trimmed().isEmpty())
        return {};

    // Split on commas that are outside <...> and quotes.
    QList<QByteArray> links;
    QByteArray cur;
    bool inAngle = false, inQuote = false;
    for (char c : header) {
        if (c == '<' && !inQuote)
            inAngle = true;
        else if (c == '>' && !inQuote)
            inAngle = false;
        else if (c == '"' && !inAngle)
            inQuote = !inQuote;
        if (c == ',' && !inAngle && !inQuote) {
            links.append(cur);
            cur.clear();
            continue;
        }
        cur.append(c);
    }
    links.append(cur);

    bool sawSomething = false;
    for (QByteArray link : links) {
        link = link.trimmed();
        if (link.isEmpty())
            continue;
        sawSomething = true;
        QByteArray target;
        QByteArray params;
        if (link.startsWith('<')) {
            const auto close = link.indexOf('>');
            if (close < 0)
                continue;
            target = link.mid(1, close - 1).trimmed();
            params = link.mid(close + 1);
        } else {
            // Early Quay sent the URL without angle brackets.
            const auto semi = link.indexOf(';');
            if (semi < 0)
                continue;
            target = link.left(semi).trimmed();
            params = link.mid(semi);
        }
        bool isNext = false;
        for (QByteArray p : params.split(';')) {
            p = p.trimmed();
            const auto eq = p.indexOf('=');
            if (eq < 0)
                continue;
            if (p.left(eq).trimmed().toLower() != "rel")
                continue;
            QByteArray v = p.mid(eq + 1).trimmed();
            if (v.startsWith('"') && v.endsWith('"') && v.size() >= 2)
                v = v.mid(1, v.size() - 2);
            for (const QByteArray &rel : v.split(' '))
                if (rel.trimmed().toLower() == "next")
                    isNext = true;
        }
        if (isNext && !target.isEmpty()) {
            const QUrl rel = QUrl::fromEncoded(target);
            if (!rel.isValid())
                break;
            return base.resolved(rel);
        }
    }
    if (malformed && sawSomething) {
        // A Link header that names no next page is fine; one we could not read is not.
        bool anyAngle = header.contains('<') || header.contains(';');
        *malformed = !anyAngle;
    }
    return {};
}

} // namespace ferry
