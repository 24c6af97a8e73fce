// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/severity.h"

#include <QString>
#include <QStringList>

namespace ferry {

struct ChartVersionRow;

// The chart matrix's states: a contract with scripts (ferryctl charts --format json).
namespace chartstate {
inline constexpr char Same[] = "same"; // the OCI chart layer is the index's .tgz, byte for byte
inline constexpr char MissingInOci[] = "missing-in-oci"; // copy first
inline constexpr char OnlyInOci[] = "only-in-oci";
inline constexpr char DifferentContent[] = "different-content"; // same version, another .tgz
inline constexpr char Deprecated[] = "deprecated"; // marked deprecated, and nothing to copy
inline constexpr char Unknown[] = "unknown"; // a side could not be read: never verified
QStringList all();
// How it reads in every face: same ok; only in OCI info; missing in OCI and unknown (never
// verified) a warning; different content an error; deprecated muted.
Severity severity(const QString &state);
// The states a version of the HTTP index is not yet in OCI in: what the Overview's stage 3 link,
// the window's "not yet in OCI" filter and the terminal's first filter step show.
QStringList open();
} // namespace chartstate

// A version of the HTTP index verified in OCI: the same bytes under the same digest (same, or
// deprecated with nothing to copy). What stage 3 counts done and what a retirement may delete.
bool chartVersionVerified(const ChartVersionRow &row);
// A version the HTTP side holds (or names): stage 3 and the retirement count only these.
bool chartVersionOnHttp(const ChartVersionRow &row);

} // namespace ferry
