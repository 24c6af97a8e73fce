// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

// Shared by the cleanup engine's sources only: registry replies awaited in its coroutines.

#include "net/task.h"
#include "registry/registryclient.h"

namespace ferry::cleanupreply {

inline const QString kAbandoned = QStringLiteral("the request was abandoned: Ferry's network threads stopped first");

// A registry reply, awaited; a reply that never comes (the network service went away)
// reads as a cancelled request.
template<typename T>
inline FutureAwaiter<Result<T>> reply(QFuture<Result<T>> f)
{
    return awaitFuture(std::move(f), Result<T>::failure(RegistryError::make(RegistryError::Kind::Canceled, kAbandoned)));
}

// A DELETE whose answer never came: httpStatus -1, so that the run stops with the item
// still journaled as sending, and resume finds out what happened.
inline FutureAwaiter<DeleteResult> reply(QFuture<DeleteResult> f)
{
    return awaitFuture(std::move(f), DeleteResult{DeleteOutcome::Failed, -1, kAbandoned});
}

} // namespace ferry::cleanupreply
