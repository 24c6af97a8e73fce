// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QPromise>

#include <memory>

namespace ferry {

// A started promise that callbacks on other threads can share and finish exactly once.
template<typename T>
std::shared_ptr<QPromise<T>> makePromise()
{
    auto p = std::make_shared<QPromise<T>>();
    p->start();
    return p;
}

template<typename T>
void fulfil(const std::shared_ptr<QPromise<T>> &p, T value)
{
    p->addResult(std::move(value));
    p->finish();
}

} // namespace ferry
