// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registry/registryconfig.h"

#include <QFile>
#include <QSslCertificate>

namespace ferry {

RegistryConfig RegistryConfig::forHost(const QString &host, bool insecure)
{
    RegistryConfig c;
    c.name = host;
    c.insecure = insecure;
    c.baseUrl = QUrl((insecure ? QStringLiteral("http://") : QStringLiteral("https://")) + host);
    if (host == u"registry-1.docker.io") {
        c.kind = QStringLiteral("dockerhub");
        c.apiUrl = QUrl(QStringLiteral("https://hub.docker.com"));
    }
    return c;
}

std::optional<QSslConfiguration> RegistryConfig::sslConfiguration(QString *error) const
{
    if (error)
        error->clear();
    if (caFile.isEmpty())
        return std::nullopt;
    QFile f(caFile);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read CA file %1: %2").arg(caFile, f.errorString());
        return std::nullopt;
    }
    const QList<QSslCertificate> certs = QSslCertificate::fromData(f.readAll(), QSsl::Pem);
    if (certs.isEmpty()) {
        if (error)
            *error = QStringLiteral("CA file %1 holds no PEM certificate").arg(caFile);
        return std::nullopt;
    }
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.addCaCertificates(certs);
    ssl.setProtocol(QSsl::TlsV1_2OrLater);
    return ssl;
}

} // namespace ferry
