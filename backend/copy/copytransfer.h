// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

// Shared by the copy engine's sources only: one item's copy in flight.

#include "copy/copyengine.h"

namespace ferry {

struct PlanRegistry;

struct CopyEngine::Transfer
{
    RegistryClient *source = nullptr;
    RegistryClient *target = nullptr;
    const PlanRegistry *sourcePlan = nullptr;
    QString targetRegistry;
    QString sourceRepository;
    QString repository; // in the target
    CopyTransferStats *stats = nullptr;
    QByteArray topRaw; // the item's own manifest, as the source served it: what the tag gets
    QString topType;
};

} // namespace ferry
