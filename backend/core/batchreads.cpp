// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/batchreads.h"
#include "store/clienttables.h"

#include "core/workspace.h"
#include "ops/batch.h"

namespace ferry {

namespace {

template<typename Tables>
auto readBatches(const Workspace &workspace, qint64 wanted)
{
    using Read = BatchesRead<typename decltype(std::declval<Tables>().batches())::value_type>;
    return workspace.read(
        [wanted](Store &store) {
            Read d;
            Tables tables(store);
            d.batches = tables.batches();
            qint64 pick = 0;
            QStringList statuses;
            for (const auto &b : std::as_const(d.batches)) {
                statuses << b.status;
                if (b.id == wanted)
                    pick = wanted;
            }
            if (!pick && !d.batches.isEmpty())
                pick = d.batches[batchToShowFirst(statuses)].id;
            if (pick)
                d.shown = tables.batch(pick);
            if constexpr (std::is_same_v<Tables, CleanupStore>)
                d.lastRefs = ClientTables(store).lastRefsScan();
            return d;
        },
        [](const QString &error) {
            Read d;
            d.error = error;
            return d;
        });
}

template<typename Tables>
auto readBatch(const Workspace &workspace, qint64 id)
{
    using Batch = typename decltype(std::declval<Tables>().batches())::value_type;
    return workspace.read([id](Store &store) { return Tables(store).batch(id); }, [](const QString &) { return std::optional<Batch>(); });
}

} // namespace

QFuture<CleanupBatchesRead> readCleanupBatches(const Workspace &workspace, qint64 wanted)
{
    return readBatches<CleanupStore>(workspace, wanted);
}

QFuture<CopyBatchesRead> readCopyBatches(const Workspace &workspace, qint64 wanted)
{
    return readBatches<CopyStore>(workspace, wanted);
}

QFuture<std::optional<CleanupBatch>> readCleanupBatch(const Workspace &workspace, qint64 id)
{
    return readBatch<CleanupStore>(workspace, id);
}

QFuture<std::optional<CopyBatch>> readCopyBatch(const Workspace &workspace, qint64 id)
{
    return readBatch<CopyStore>(workspace, id);
}

} // namespace ferry
