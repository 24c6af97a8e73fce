// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/store.h"

namespace ferry {

// What a topic of the store (ClientTables, ChartTables) holds: the store it reads, and the same
// store for writes when it was given one that may be written. Made from a const Store, a topic
// reads and refuses to write.
class StoreTopic
{
protected:
    StoreTopic(Store &store, const char *name)
        : m_store(store)
        , m_writable(&store)
        , m_name(name)
    { }
    StoreTopic(const Store &store, const char *name)
        : m_store(store)
        , m_name(name)
    { }

    // The store to write to; null (and a warning naming the topic) when made from a const Store.
    Store *writable() const;

    const Store &m_store;

private:
    Store *m_writable = nullptr;
    const char *m_name;
};

} // namespace ferry
