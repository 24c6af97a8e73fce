// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "store/chartstate.h"

#include "store/charttables.h"
#include "store/store.h"

namespace ferry {

QStringList chartstate::all()
{
    return {QLatin1String(Same),       QLatin1String(MissingInOci), QLatin1String(OnlyInOci), QLatin1String(DifferentContent),
            QLatin1String(Deprecated), QLatin1String(Unknown)};
}

Severity chartstate::severity(const QString &state)
{
    if (state == QLatin1String(Same))
        return Severity::Ok;
    if (state == QLatin1String(OnlyInOci))
        return Severity::Info;
    if (state == QLatin1String(MissingInOci) || state == QLatin1String(Unknown))
        return Severity::Warning;
    if (state == QLatin1String(DifferentContent))
        return Severity::Error;
    return Severity::Muted; // deprecated
}

QStringList chartstate::open()
{
    return {QLatin1String(MissingInOci), QLatin1String(DifferentContent), QLatin1String(Unknown)};
}

bool chartVersionVerified(const ChartVersionRow &row)
{
    return !row.httpDigest.isEmpty() && row.httpDigest == row.ociDigest &&
        (row.state == QLatin1String(chartstate::Same) || row.state == QLatin1String(chartstate::Deprecated));
}

bool chartVersionOnHttp(const ChartVersionRow &row)
{
    return !row.httpDigest.isEmpty() || !row.url.isEmpty();
}

} // namespace ferry
