// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "plan/plan.h"
#include "registry/credentials.h"
#include "registry/registryclient.h"
#include "registry/registryconfig.h"

#include <map>
#include <memory>

namespace ferry {

// The credentials a plan's registry names: anonymous, environment variables, or Docker's
// config.json. Problems are appended to errors.
Credentials planCredentials(const PlanRegistry &r, QStringList *errors);

// The registry's client configuration with its credentials resolved: what every scan,
// cleanup and manifest fetch hands a RegistryClient.
RegistryConfig clientConfig(const PlanRegistry &r, QStringList *errors);

// The clients of a plan's registries, made on first use and kept: what an engine (cleanup,
// copy) talks to registries through. Same thread rule as the engine that owns it.
class PlanClients
{
public:
    PlanClients(const Plan &plan, NetworkService &network)
        : m_plan(plan)
        , m_network(network)
    { }
    // nullptr when the plan has no such registry.
    RegistryClient *client(const QString &registry);

private:
    const Plan &m_plan;
    NetworkService &m_network;
    std::map<QString, std::unique_ptr<RegistryClient>> m_clients;
};

} // namespace ferry
