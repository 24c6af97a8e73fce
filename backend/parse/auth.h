// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

namespace ferry {

// One challenge of a WWW-Authenticate header: scheme plus its auth-params.
struct AuthChallenge
{
    QString scheme; // lower-case: "bearer", "basic"
    QMap<QString, QString> params; // keys lower-case

    QString realm() const { return params.value(QStringLiteral("realm")); }
    QString service() const { return params.value(QStringLiteral("service")); }
    QString scope() const { return params.value(QStringLiteral("scope")); }
    QString error() const { return params.value(QStringLiteral("error")); }
};

// RFC 7235/6750 parsing: several challenges in one header, quoted strings with commas and
// escapes, bare tokens.
QList<AuthChallenge> parseAuthChallenges(const QByteArray &header);

struct BearerToken
{
    QByteArray token;
    QString refreshToken;
    QDateTime receivedAt;
    int expiresInSeconds = 60;

    QDateTime expiresAt() const { return receivedAt.addSecs(expiresInSeconds); }
    // A token is renewed before it runs out: the last tenth of its life (at least 5 s) is
    // not used, so a request never leaves with a token that expires on the way.
    bool usableAt(const QDateTime &now) const;
};

// token / access_token, expires_in with the spec's 60 s default and floor. Local receipt
// time is used, not issued_at: clocks of token services drift.
bool parseTokenResponse(const QByteArray &json, const QDateTime &receivedAt, BearerToken *out, QString *error);

// Scope strings: "repository:team/app:pull", "repository:team/app:pull,delete",
// "registry:catalog:*".
QString repositoryScope(const QString &repository, const QStringList &actions);
QString catalogScope();

} // namespace ferry
