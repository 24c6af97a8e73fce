// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The plan's `charts`: HTTP Helm repositories and the OCI repositories their charts move to.
//
//   charts:
//     - name: giantswarm-catalog
//       index: https://giantswarm.github.io/giantswarm-catalog/index.yaml
//       credentials: anonymous          # as a registry's; default docker-config
//       ca-file: ca.pem                  # optional
//       oci: gsoci/charts/giantswarm     # <registry>/<repository prefix>
//       versions: {semver: ">=1.0.0"}    # optional, as an image set's tags; semver-filter: REGEX too
//       catalog: 5                       # the App Catalog's last N versions
//       delete-api: https://charts.example/api/charts   # optional, ChartMuseum's DELETE
#include "plan/plan.h"
#include "plan/planyaml.h"

#include <QDir>

namespace ferry {

QString ChartRepository::ociRepository(const QString &chart) const
{
    return targetPrefix.isEmpty() ? chart : targetPrefix + u'/' + chart;
}

bool ChartRepository::covers(const QString &version) const
{
    return versions.matches(version) && (versionFilter.pattern().isEmpty() || versionFilter.match(version).hasMatch());
}

QString ChartRepository::ociTag(const QString &version)
{
    QString t = version;
    return t.replace(u'+', u'_');
}

const ChartRepository *Plan::chartRepository(const QString &name) const
{
    for (const ChartRepository &c : charts)
        if (c.name == name)
            return &c;
    return nullptr;
}

namespace planyaml {

namespace {

bool parseHttpUrl(const Ctx &ctx, const YAML::Node &n, const QString &what, QUrl *out)
{
    const QUrl url(str(n));
    if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") || url.host().isEmpty())
        return ctx.fail(n, QStringLiteral("%1 must be an https:// or http:// URL").arg(what));
    *out = url;
    return true;
}

bool parseChart(const Ctx &ctx, const YAML::Node &c, const QString &planDir, const Plan &plan, ChartRepository *r)
{
    if (!checkKeys(ctx, c,
                   {QStringLiteral("name"), QStringLiteral("index"), QStringLiteral("credentials"), QStringLiteral("ca-file"),
                    QStringLiteral("oci"), QStringLiteral("versions"), QStringLiteral("catalog"), QStringLiteral("delete-api"),
                    QStringLiteral("http2")},
                   QStringLiteral("a chart repository")))
        return false;
    r->origin = ctx.where(c);
    r->name = str(c["name"]);
    static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]*$"));
    if (!nameRe.match(r->name).hasMatch())
        return ctx.fail(c["name"] ? c["name"] : c, QStringLiteral("a chart repository needs a name of letters, digits, '.', '_' and '-'"));
    if (!c["index"])
        return ctx.fail(c, QStringLiteral("chart repository '%1' needs index: the URL of its index.yaml").arg(r->name));
    if (!parseHttpUrl(ctx, c["index"], QStringLiteral("index"), &r->indexUrl))
        return false;
    // helm repo add takes the repository's URL; its index is <url>/index.yaml.
    if (!r->indexUrl.path().endsWith(u".yaml") && !r->indexUrl.path().endsWith(u".json")) {
        QString path = r->indexUrl.path();
        if (!path.endsWith(u'/'))
            path += u'/';
        r->indexUrl.setPath(path + QStringLiteral("index.yaml"));
    }
    RegistryConfig &h = r->http.config;
    r->http.name = r->name;
    h.name = r->name;
    h.kind = QStringLiteral("helm-http");
    h.baseUrl = QUrl(r->indexUrl.scheme() + QStringLiteral("://") + r->indexUrl.authority());
    h.insecure = r->indexUrl.scheme() == u"http";
    h.maxManifestBytes = 256 * 1024 * 1024; // an index can be tens of MB
    if (const YAML::Node h2 = c["http2"]) {
        bool v = true;
        if (!YAML::convert<bool>::decode(h2, v))
            return ctx.fail(h2, QStringLiteral("http2 is true or false"));
        h.http2 = v;
    }
    if (c["ca-file"]) {
        const QString f = str(c["ca-file"]);
        h.caFile = QDir::isAbsolutePath(f) ? f : QDir(planDir).filePath(f);
    }
    r->http.credentials = QStringLiteral("docker-config");
    if (c["credentials"] && !parseCredentials(ctx, c["credentials"], &r->http.credentials))
        return false;
    if (!c["oci"])
        return ctx.fail(c, QStringLiteral("chart repository '%1' needs oci: <registry>/<repository prefix>").arg(r->name));
    if (!splitRef(ctx, c["oci"], plan, &r->targetRegistry, &r->targetPrefix, false))
        return false;
    if (const YAML::Node v = c["versions"]) {
        // semver-filter goes with semver, as Flux's semverFilter does; the rest is a tag filter.
        YAML::Node rest = YAML::Clone(v);
        if (v.IsMap() && v["semver-filter"]) {
            if (!v["semver"])
                return ctx.fail(v["semver-filter"], QStringLiteral("semver-filter narrows a semver range: give semver too"));
            r->versionFilter = QRegularExpression(str(v["semver-filter"]));
            if (!r->versionFilter.isValid())
                return ctx.fail(v["semver-filter"], QStringLiteral("invalid regular expression: %1").arg(r->versionFilter.errorString()));
            rest.remove("semver-filter");
        }
        if (!parseTags(ctx, rest, &r->versions))
            return false;
    }
    if (const YAML::Node n = c["catalog"]) {
        r->catalogSize = n.as<int>(0);
        if (r->catalogSize <= 0 || r->catalogSize > 1000)
            return ctx.fail(n, QStringLiteral("catalog is the number of versions the App Catalog shows per chart, 1 to 1000"));
    }
    if (c["delete-api"] && !parseHttpUrl(ctx, c["delete-api"], QStringLiteral("delete-api"), &r->deleteApi))
        return false;
    return true;
}

} // namespace

bool parseCharts(const Ctx &ctx, const YAML::Node &node, const QString &planDir, const Plan &plan, QList<ChartRepository> *out)
{
    if (!node.IsSequence())
        return ctx.fail(node, QStringLiteral("charts must be a list of {name, index, oci, …}"));
    for (const YAML::Node &c : node) {
        if (!c.IsMap())
            return ctx.fail(c, QStringLiteral("a chart repository is a map {name, index, oci, …}"));
        ChartRepository r;
        if (!parseChart(ctx, c, planDir, plan, &r))
            return false;
        if (plan.registry(r.name))
            return ctx.fail(c["name"],
                            QStringLiteral("'%1' is already a registry's name; chart repositories need names of their own").arg(r.name));
        for (const ChartRepository &other : std::as_const(*out))
            if (other.name == r.name)
                return ctx.fail(c["name"], QStringLiteral("chart repository '%1' is listed twice (first at %2)").arg(r.name, other.origin));
        out->append(r);
    }
    return true;
}

} // namespace planyaml

} // namespace ferry
