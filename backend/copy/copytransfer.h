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
    bool moved = false; // the source's tag is gone or has another digest than the approved one
    QString manifestKey(const QString &digest) const
    {
        return QStringLiteral("manifest ") + targetRegistry + u'/' + repository + u'@' + digest;
    }
};

// Holds a key in a set for as long as it lives (the workers share one thread: no lock needed).
class CopyClaim
{
public:
    CopyClaim(QSet<QString> *set, QString key)
        : m_set(set)
        , m_key(std::move(key))
    { }
    CopyClaim(const CopyClaim &) = delete;
    CopyClaim &operator=(const CopyClaim &) = delete;
    ~CopyClaim() { m_set->remove(m_key); }

private:
    QSet<QString> *m_set;
    QString m_key;
};

} // namespace ferry
