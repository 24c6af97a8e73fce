// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <sys/resource.h>

namespace ferry::bench {

// The process's peak resident memory so far, in MiB (what the README's figures quote).
inline long peakRssMiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

} // namespace ferry::bench
