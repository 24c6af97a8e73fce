// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "plan/plancredentials.h"

namespace ferry {

Credentials planCredentials(const PlanRegistry &r, QStringList *errors)
{
    if (r.credentials == u"anonymous")
        return {};
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

} // namespace ferry
