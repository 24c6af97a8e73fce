// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/auth.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace ferry {

namespace {

bool isTokenChar(char c)
{
    return c > 32 && c < 127 && c != ',' && c != '=' && c != '"' && c != ' ';
}

} // namespace

QList<AuthChallenge> parseAuthChallenges(const QByteArray &header)
{
    QList<AuthChallenge> out;
    qsizetype i = 0;
    const qsizetype n = header.size();
    auto skipSpace = [&] {
        while (i < n && (header[i] == ' ' || header[i] == '\t'))
            ++i;
    };
    auto readToken = [&] {
        const qsizetype start = i;
        while (i < n && isTokenChar(header[i]))
            ++i;
        return header.mid(start, i - start);
    };

    while (i < n) {
        skipSpace();
        while (i < n && header[i] == ',') {
            ++i;
            skipSpace();
        }
        if (i >= n)
            break;
        const QByteArray scheme = readToken();
        if (scheme.isEmpty()) {
            ++i;
            continue;
        }
        AuthChallenge ch;
        ch.scheme = QString::fromLatin1(scheme).toLower();
        // auth-params until the next scheme (a token followed by a space and not by '=').
        while (i < n) {
            skipSpace();
            while (i < n && header[i] == ',') {
                ++i;
                skipSpace();
            }
            const qsizetype save = i;
            const QByteArray key = readToken();
            skipSpace();
            if (key.isEmpty() || i >= n || header[i] != '=') {
                i = save; // a new challenge starts here
                break;
            }
            ++i; // '='
            skipSpace();
            QByteArray value;
            if (i < n && header[i] == '"') {
                ++i;
                while (i < n && header[i] != '"') {
                    if (header[i] == '\\' && i + 1 < n)
                        ++i;
                    value.append(header[i]);
                    ++i;
                }
                ++i; // closing quote
            } else {
                value = readToken();
            }
            ch.params.insert(QString::fromLatin1(key).toLower(), QString::fromUtf8(value));
        }
        out.append(ch);
    }
    return out;
}

bool BearerToken::usableAt(const QDateTime &now) const
{
    if (token.isEmpty() || !receivedAt.isValid())
        return false;
    const qint64 margin = qMax<qint64>(5, expiresInSeconds / 10);
    return now.secsTo(expiresAt()) > margin;
}

bool parseTokenResponse(const QByteArray &json, const QDateTime &receivedAt, BearerToken *out, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (!doc.isObject()) {
        *error = QStringLiteral("token service answered something that is not a JSON object");
        return false;
    }
    const QJsonObject o = doc.object();
    QString token = o.value(QStringLiteral("token")).toString();
    if (token.isEmpty())
        token = o.value(QStringLiteral("access_token")).toString();
    if (token.isEmpty()) {
        *error = QStringLiteral("token service answered without token or access_token");
        return false;
    }
    out->token = token.toUtf8();
    out->refreshToken = o.value(QStringLiteral("refresh_token")).toString();
    out->receivedAt = receivedAt;
    const int expires = o.value(QStringLiteral("expires_in")).toInt(60);
    out->expiresInSeconds = qMax(60, expires);
    return true;
}

QString repositoryScope(const QString &repository, const QStringList &actions)
{
    return QStringLiteral("repository:") + repository + u':' + actions.join(u',');
}

QString catalogScope()
{
    return QStringLiteral("registry:catalog:*");
}

} // namespace ferry
