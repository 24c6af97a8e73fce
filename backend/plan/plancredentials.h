// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "plan/plan.h"
#include "registry/credentials.h"
#include "registry/registryconfig.h"

namespace ferry {

// The credentials a plan's registry names: anonymous, environment variables, or Docker's
// config.json. Problems are appended to errors.
Credentials planCredentials(const PlanRegistry &r, QStringList *errors);

// The registry's client configuration with its credentials resolved: what every scan,
// cleanup and manifest fetch hands a RegistryClient.
RegistryConfig clientConfig(const PlanRegistry &r, QStringList *errors);

} // namespace ferry
