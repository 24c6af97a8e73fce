// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>

namespace ferry {

// Credentials for one registry. Never printed: toString-like helpers only name the source.
struct Credentials
{
    QString username;
    QString password;
    QString identityToken; // a refresh token (Docker's identitytoken, helper's "<token>")
    QString source; // where they came from, for messages: "docker config", "env FERRY_USER"

    bool isEmpty() const { return username.isEmpty() && password.isEmpty() && identityToken.isEmpty(); }
    bool hasBasic() const { return !username.isEmpty() && !password.isEmpty(); }
};

namespace credentials {

// $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
QString dockerConfigPath();

// Docker's lookup order: credHelpers[host], then credsStore, then auths. A missing file or
// entry means anonymous, not an error; a helper that fails or hangs is a warning.
Credentials fromDockerConfig(const QString &registryHost, QString *warning, int helperTimeoutMs = 10'000);
Credentials fromDockerConfigFile(const QString &path, const QString &registryHost, QString *warning, int helperTimeoutMs = 10'000);

// The docker-credential-helpers protocol: "<program> get" with the server URL on stdin.
Credentials fromHelper(const QString &helperName, const QString &serverUrl, QString *warning, int timeoutMs = 10'000);

// Names of environment variables, never the secrets themselves (plans and command lines are
// shared; environments are not).
Credentials fromEnvironment(const QString &userVariable, const QString &passwordVariable, QString *error);

// config.json keys come as "host", "https://host", "https://index.docker.io/v1/".
QString normaliseConfigKey(const QString &key);

} // namespace credentials
} // namespace ferry
