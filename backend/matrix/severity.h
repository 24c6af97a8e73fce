// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QtGlobal>

namespace ferry {

// How a state reads, for every face: the window maps it to a colour, the terminal to a style,
// reports to a cell background. The rules that decide a severity live with their domain
// (syncstate::severity, refStateSeverity, chartStateSeverity, batchStatusSeverity,
// registryHealthSeverity); the faces hold no rule of their own.
enum class Severity { Ok, Info, Warning, Error, Muted };

// The pale background of a table cell of that severity, as 0xRRGGBB (the backend needs no
// QtGui); colour is never the only signal: the text says the state.
constexpr quint32 severityBackground(Severity s)
{
    switch (s) {
    case Severity::Ok: return 0xe3f4e1;
    case Severity::Info: return 0xe6eefa;
    case Severity::Warning: return 0xfdebc8;
    case Severity::Error: return 0xfbdcd7;
    case Severity::Muted: break;
    }
    return 0xe4e4e7;
}

} // namespace ferry
