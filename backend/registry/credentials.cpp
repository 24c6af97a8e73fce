// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registry/credentials.h"

#include "parse/reference.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QUrl>

namespace ferry::credentials {

QString dockerConfigPath()
{
    const QString dir = qEnvironmentVariable("DOCKER_CONFIG");
    if (!dir.isEmpty())
        return QDir(dir).filePath(QStringLiteral("config.json"));
    return QDir::home().filePath(QStringLiteral(".docker/config.json"));
}

QString normaliseConfigKey(const QString &key)
{
    QString k = key.trimmed();
    if (k.contains(QStringLiteral("://")))
        k = k.mid(k.indexOf(QStringLiteral("://")) + 3);
    const auto slash = k.indexOf(u'/');
    if (slash >= 0)
        k = k.left(slash);
    return reference::normaliseRegistryHost(k);
}

static QString helperServerUrl(const QString &registryHost)
{
    return registryHost == u"registry-1.docker.io" ? reference::dockerHubConfigKey() : registryHost;
}

Credentials fromHelper(const QString &helperName, const QString &serverUrl, QString *warning, int timeoutMs)
{
    Credentials c;
    const QString program = QStringLiteral("docker-credential-") + helperName;
    const QString exe = QStandardPaths::findExecutable(program);
    if (exe.isEmpty()) {
        if (warning)
            *warning = QStringLiteral("credential helper %1 is not on PATH; continuing without credentials").arg(program);
        return c;
    }
    QProcess p;
    p.setProgram(exe);
    p.setArguments({QStringLiteral("get")});
    p.start();
    if (!p.waitForStarted(timeoutMs)) {
        if (warning)
            *warning = QStringLiteral("credential helper %1 did not start").arg(program);
        return c;
    }
    p.write(serverUrl.toUtf8());
    p.closeWriteChannel();
    // Helpers can prompt or wait on a keychain: never wait forever.
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        if (warning)
            *warning = QStringLiteral("credential helper %1 did not answer within %2 ms").arg(program).arg(timeoutMs);
        return c;
    }
    const QByteArray out = p.readAllStandardOutput();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        if (warning && !out.contains("credentials not found"))
            *warning = QStringLiteral("credential helper %1 failed (exit %2)").arg(program).arg(p.exitCode());
        return c;
    }
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    const QString user = o.value(QStringLiteral("Username")).toString();
    const QString secret = o.value(QStringLiteral("Secret")).toString();
    if (user == u"<token>")
        c.identityToken = secret;
    else {
        c.username = user;
        c.password = secret;
    }
    c.source = QStringLiteral("credential helper ") + helperName;
    return c;
}

Credentials fromDockerConfigFile(const QString &path, const QString &registryHost, QString *warning, int helperTimeoutMs)
{
    // Found nothing: no secret, and where they were looked for (a 401 names it).
    const auto none = [&](const QString &why) {
        Credentials c;
        c.source = why;
        return c;
    };
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return none(QStringLiteral("%1 was not found").arg(path));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject()) {
        if (warning)
            *warning = QStringLiteral("%1 is not valid JSON (%2); continuing without credentials").arg(path, pe.errorString());
        return none(QStringLiteral("%1 is not valid JSON").arg(path));
    }
    const QJsonObject root = doc.object();
    const QString host = reference::normaliseRegistryHost(registryHost);

    const QJsonObject helpers = root.value(QStringLiteral("credHelpers")).toObject();
    for (auto it = helpers.begin(); it != helpers.end(); ++it) {
        if (normaliseConfigKey(it.key()) == host) {
            Credentials c = fromHelper(it.value().toString(), helperServerUrl(host), warning, helperTimeoutMs);
            if (!c.isEmpty())
                return c;
        }
    }
    const QString store = root.value(QStringLiteral("credsStore")).toString();
    if (!store.isEmpty()) {
        Credentials c = fromHelper(store, helperServerUrl(host), warning, helperTimeoutMs);
        if (!c.isEmpty())
            return c;
    }
    const QJsonObject auths = root.value(QStringLiteral("auths")).toObject();
    for (auto it = auths.begin(); it != auths.end(); ++it) {
        if (normaliseConfigKey(it.key()) != host)
            continue;
        const QJsonObject entry = it.value().toObject();
        Credentials c;
        c.source = QStringLiteral("docker config ") + path;
        const QString auth = entry.value(QStringLiteral("auth")).toString();
        if (!auth.isEmpty()) {
            QByteArray decoded = QByteArray::fromBase64(auth.toLatin1());
            while (decoded.endsWith('\0'))
                decoded.chop(1);
            const auto colon = decoded.indexOf(':'); // passwords may hold ':'
            if (colon > 0) {
                c.username = QString::fromUtf8(decoded.left(colon));
                c.password = QString::fromUtf8(decoded.mid(colon + 1));
            } else if (warning) {
                *warning = QStringLiteral("the auth entry for %1 in %2 is not base64 user:password").arg(host, path);
            }
        }
        if (c.username.isEmpty())
            c.username = entry.value(QStringLiteral("username")).toString();
        if (c.password.isEmpty())
            c.password = entry.value(QStringLiteral("password")).toString();
        c.identityToken = entry.value(QStringLiteral("identitytoken")).toString();
        if (!c.isEmpty())
            return c; // an empty {} entry is what Docker leaves when a helper holds the secret
    }
    return none(QStringLiteral("%1 has none for %2").arg(path, host));
}

Credentials fromDockerConfig(const QString &registryHost, QString *warning, int helperTimeoutMs)
{
    return fromDockerConfigFile(dockerConfigPath(), registryHost, warning, helperTimeoutMs);
}

Credentials fromEnvironment(const QString &userVariable, const QString &passwordVariable, QString *error)
{
    Credentials c;
    if (!userVariable.isEmpty() && !qEnvironmentVariableIsSet(userVariable.toLocal8Bit().constData())) {
        if (error)
            *error = QStringLiteral("environment variable %1 is not set").arg(userVariable);
        return c;
    }
    if (!passwordVariable.isEmpty() && !qEnvironmentVariableIsSet(passwordVariable.toLocal8Bit().constData())) {
        if (error)
            *error = QStringLiteral("environment variable %1 is not set").arg(passwordVariable);
        return c;
    }
    c.username = qEnvironmentVariable(userVariable.toLocal8Bit().constData());
    c.password = qEnvironmentVariable(passwordVariable.toLocal8Bit().constData());
    c.source = QStringLiteral("environment %1/%2").arg(userVariable, passwordVariable);
    return c;
}

} // namespace ferry::credentials
