// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "plan/plancredentials.h"

namespace ferry {

Credentials planCredentials(const PlanRegistry &r, QStringList *errors)
{
    if (r.credentials == u"anonymous") {
        Credentials none;
        none.source = QStringLiteral("the plan says credentials: anonymous");
        return none;
    }
    if (r.credentials.startsWith(QStringLiteral("env:"))) {
        const QStringList parts = r.credentials.split(u':');
        QString err;
        Credentials c = credentials::fromEnvironment(parts.value(1), parts.value(2), &err);
        if (!err.isEmpty())
            errors->append(QStringLiteral("%1: %2").arg(r.name, err));
        return c;
    }
    QString warning;
    Credentials c = credentials::fromDockerConfig(r.config.baseUrl.authority(), &warning);
    if (!warning.isEmpty())
        errors->append(QStringLiteral("%1: %2").arg(r.name, warning));
    return c;
}

RegistryConfig clientConfig(const PlanRegistry &r, QStringList *errors)
{
    RegistryConfig cfg = r.config;
    cfg.credentials = planCredentials(r, errors);
    return cfg;
}

RegistryClient *PlanClients::client(const QString &registry)
{
    auto it = m_clients.find(registry);
    if (it != m_clients.end())
        return it->second.get();
    const PlanRegistry *r = m_plan.registry(registry);
    if (!r)
        return nullptr;
    QStringList errors; // a scan reports credential problems; here the registry's answer will
    auto c = std::make_unique<RegistryClient>(m_network, clientConfig(*r, &errors));
    RegistryClient *raw = c.get();
    m_clients[registry] = std::move(c);
    return raw;
}

} // namespace ferry
