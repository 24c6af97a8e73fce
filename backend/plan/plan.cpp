// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "plan/plan.h"
#include "parse/duration.h"
#include "parse/inputfile.h"
#include "plan/planyaml.h"

#include "parse/reference.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <yaml-cpp/yaml.h>

namespace ferry {

QString roleName(RegistryRole role)
{
    switch (role) {
    case RegistryRole::Source: return QStringLiteral("source");
    case RegistryRole::Target: return QStringLiteral("target");
    case RegistryRole::Replica: return QStringLiteral("replica");
    case RegistryRole::Cache: return QStringLiteral("cache");
    case RegistryRole::Legacy: return QStringLiteral("legacy");
    }
    return QStringLiteral("source");
}

bool TagFilter::matches(const QString &tag) const
{
    switch (kind) {
    case Kind::All: return true;
    case Kind::List: return list.contains(tag);
    case Kind::Regex: return regex.match(tag).hasMatch();
    case Kind::Semver: return semver && semver->matches(tag);
    }
    return false;
}

QString TagFilter::describe() const
{
    switch (kind) {
    case Kind::All: return QStringLiteral("all tags");
    case Kind::List: return QStringLiteral("%1 listed tags").arg(list.size());
    case Kind::Regex: return QStringLiteral("tags matching /%1/").arg(regex.pattern());
    case Kind::Semver: return QStringLiteral("semver %1").arg(semver ? semver->text() : QString());
    }
    return {};
}

const PlanRegistry *Plan::registry(const QString &name) const
{
    for (const PlanRegistry &r : registries)
        if (r.name == name)
            return &r;
    return nullptr;
}

QStringList Plan::namesWithRole(RegistryRole role) const
{
    QStringList out;
    for (const PlanRegistry &r : registries)
        if (r.role == role)
            out << r.name;
    return out;
}

QStringList Plan::followersOf(const QString &target, RegistryRole role) const
{
    QStringList out;
    for (const PlanRegistry &r : registries)
        if (r.role == role && r.of == target)
            out << r.name;
    return out;
}

QPair<QString, QString> Plan::targetFor(const QString &registry, const QString &repository) const
{
    for (const ImageSet &s : images)
        if (s.kind == ImageSet::Kind::Mapping && s.sourceRegistry == registry && s.sourceRepository == repository)
            return {s.targetRegistry, s.targetRepository};
    const QStringList targets = namesWithRole(RegistryRole::Target);
    return {targets.value(0), repository};
}

QStringList Plan::repositoriesIn(const QString &registryName) const
{
    const PlanRegistry *r = registry(registryName);
    if (!r)
        return {};
    QStringList out;
    auto add = [&](const QString &name) {
        if (!name.isEmpty() && !out.contains(name))
            out << name;
    };
    const bool followsTargets = r->role == RegistryRole::Target || r->role == RegistryRole::Replica || r->role == RegistryRole::Legacy;
    for (const ImageSet &s : images) {
        if (s.kind == ImageSet::Kind::Mapping && s.sourceRegistry == registryName)
            add(s.sourceRepository);
        if (!followsTargets)
            continue;
        if (r->role == RegistryRole::Target && s.targetRegistry != registryName)
            continue;
        add(s.kind == ImageSet::Kind::Mapping ? s.targetRepository : s.repositoryGlob);
    }
    return out;
}

QString CleanupConfig::protectingTag(const QString &tag, const QString &registry) const
{
    if (!protectRegistries.isEmpty() && !protectRegistries.contains(registry))
        return {};
    for (const QRegularExpression &re : protectTags)
        if (re.match(tag).hasMatch())
            return re.pattern();
    return {};
}

QString CleanupConfig::protectingRepository(const QString &repository, const QString &registry) const
{
    if (!protectRegistries.isEmpty() && !protectRegistries.contains(registry))
        return {};
    for (const QRegularExpression &re : protectRepositories)
        if (re.match(repository).hasMatch())
            return re.pattern();
    return {};
}

QString cleanupKindName(CleanupPolicy::Kind kind)
{
    switch (kind) {
    case CleanupPolicy::Kind::DevTags: return QStringLiteral("dev-tags");
    case CleanupPolicy::Kind::Tags: return QStringLiteral("tags");
    case CleanupPolicy::Kind::Untagged: return QStringLiteral("untagged");
    case CleanupPolicy::Kind::Legacy: return QStringLiteral("legacy");
    case CleanupPolicy::Kind::HttpChartRepository: return QStringLiteral("http-chart-repository");
    }
    return {};
}

QRegularExpression repositoryGlobRegex(const QString &glob)
{
    QString re;
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob.at(i);
        if (c == u'*') {
            if (i + 1 < glob.size() && glob.at(i + 1) == u'*') {
                re += QStringLiteral(".*");
                ++i;
            } else {
                re += QStringLiteral("[^/]*");
            }
        } else {
            re += QRegularExpression::escape(QString(c));
        }
    }
    return QRegularExpression(QRegularExpression::anchoredPattern(re));
}

bool repositoryGlobMatches(const QString &glob, const QString &repository)
{
    return repositoryGlobRegex(glob).match(repository).hasMatch();
}

bool planyaml::checkKeys(const Ctx &ctx, const YAML::Node &map, const QStringList &allowed, const QString &what)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString key = QString::fromStdString(it->first.Scalar());
        if (!allowed.contains(key))
            return ctx.fail(
                it->first,
                QStringLiteral("unknown key '%1' in %2 (expected one of: %3)").arg(key, what, allowed.join(QStringLiteral(", "))));
    }
    return true;
}

namespace {

using namespace planyaml;

// Plan keys take whole seconds or more, in the one grammar (parse/duration.h).
std::optional<qint64> parseDuration(const QString &text)
{
    return parseDurationSeconds(text);
}

} // namespace

bool planyaml::parseTags(const Ctx &ctx, const YAML::Node &n, TagFilter *out)
{
    if (!n || n.IsNull()) {
        out->kind = TagFilter::Kind::All;
        return true;
    }
    if (n.IsScalar()) {
        if (str(n) == u"all") {
            out->kind = TagFilter::Kind::All;
            return true;
        }
        return ctx.fail(n, QStringLiteral("tags must be 'all', a list of tags, {regex: …} or {semver: …}"));
    }
    if (n.IsSequence()) {
        out->kind = TagFilter::Kind::List;
        for (const YAML::Node &t : n) {
            const QString tag = str(t);
            if (!reference::isValidTag(tag))
                return ctx.fail(t, QStringLiteral("'%1' is not a valid tag").arg(tag));
            out->list << tag;
        }
        return true;
    }
    if (n.IsMap()) {
        if (!checkKeys(ctx, n, {QStringLiteral("regex"), QStringLiteral("semver")}, QStringLiteral("tags")))
            return false;
        if (n.size() != 1)
            return ctx.fail(n, QStringLiteral("tags takes one of regex or semver"));
        if (n["regex"]) {
            out->kind = TagFilter::Kind::Regex;
            out->regex = QRegularExpression(str(n["regex"]));
            if (!out->regex.isValid())
                return ctx.fail(n["regex"], QStringLiteral("invalid regular expression: %1").arg(out->regex.errorString()));
            return true;
        }
        out->kind = TagFilter::Kind::Semver;
        QString err;
        out->semver = SemverConstraint::parse(str(n["semver"]), &err);
        if (!out->semver)
            return ctx.fail(n["semver"], err);
        return true;
    }
    return ctx.fail(n, QStringLiteral("tags must be 'all', a list, {regex: …} or {semver: …}"));
}

// "registry/repository/path" -> (registry, repository)
bool planyaml::splitRef(const Ctx &ctx, const YAML::Node &n, const Plan &plan, QString *registry, QString *repository, bool allowGlob)
{
    const QString text = str(n);
    const auto slash = text.indexOf(u'/');
    if (slash <= 0)
        return ctx.fail(n, QStringLiteral("'%1' must be <registry name>/<repository>").arg(text));
    *registry = text.left(slash);
    *repository = text.mid(slash + 1);
    if (!plan.registry(*registry))
        return ctx.fail(n, QStringLiteral("'%1' names no registry of this plan (known: %2)").arg(*registry, [&] {
            QStringList names;
            for (const PlanRegistry &r : plan.registries)
                names << r.name;
            return names.join(QStringLiteral(", "));
        }()));
    if (allowGlob ? repository->isEmpty() : !reference::isValidRepository(*repository))
        return ctx.fail(n, QStringLiteral("'%1' is not a valid repository name").arg(*repository));
    return true;
}

bool planyaml::parseCredentials(const Ctx &ctx, const YAML::Node &cr, QString *out)
{
    if (cr.IsScalar()) {
        const QString v = str(cr);
        if (v != u"docker-config" && v != u"anonymous")
            return ctx.fail(cr,
                            QStringLiteral("credentials is docker-config, anonymous, or {username-env: VAR, password-env: VAR} (names "
                                           "of environment variables, never secrets)"));
        *out = v;
    } else if (cr.IsMap()) {
        if (!checkKeys(ctx, cr, {QStringLiteral("username-env"), QStringLiteral("password-env")}, QStringLiteral("credentials")))
            return false;
        if (!cr["username-env"] || !cr["password-env"])
            return ctx.fail(cr, QStringLiteral("credentials needs username-env and password-env"));
        *out = QStringLiteral("env:%1:%2").arg(str(cr["username-env"]), str(cr["password-env"]));
    } else {
        return ctx.fail(cr, QStringLiteral("credentials is docker-config, anonymous or a map of environment variable names"));
    }
    return true;
}

namespace {

bool parseRegistry(const Ctx &ctx, const QString &planDir, const QString &name, const YAML::Node &n, PlanRegistry *out)
{
    if (!n.IsMap())
        return ctx.fail(n, QStringLiteral("registry '%1' must be a map with url and role").arg(name));
    if (!checkKeys(ctx, n,
                   {QStringLiteral("url"), QStringLiteral("kind"), QStringLiteral("role"), QStringLiteral("of"), QStringLiteral("lag-slo"),
                    QStringLiteral("credentials"), QStringLiteral("ca-file"), QStringLiteral("insecure"), QStringLiteral("concurrency"),
                    QStringLiteral("rate"), QStringLiteral("api-url"), QStringLiteral("page-size"), QStringLiteral("max-pages"),
                    QStringLiteral("http2"), QStringLiteral("client-name"), QStringLiteral("budget")},
                   QStringLiteral("registry '%1'").arg(name)))
        return false;
    out->name = name;
    if (!n["url"])
        return ctx.fail(n, QStringLiteral("registry '%1' needs a url").arg(name));
    const QUrl url(str(n["url"]));
    if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") || url.host().isEmpty())
        return ctx.fail(n["url"], QStringLiteral("url must be https://host[:port] or http://host[:port]"));
    RegistryConfig &c = out->config;
    c.name = name;
    c.baseUrl = QUrl(url.scheme() + QStringLiteral("://") + url.authority());
    c.insecure = url.scheme() == u"http"; // an http:// URL means plain HTTP
    if (n["client-name"])
        out->clientName = str(n["client-name"]).toLower();
    if (n["insecure"])
        c.insecure = c.insecure || n["insecure"].as<bool>(false);
    if (const YAML::Node h2 = n["http2"]) {
        bool v = true;
        if (!YAML::convert<bool>::decode(h2, v))
            return ctx.fail(h2, QStringLiteral("http2 is true or false"));
        c.http2 = v;
    }
    const QString kind = n["kind"] ? str(n["kind"]) : QStringLiteral("oci");
    if (!QStringList{QStringLiteral("oci"), QStringLiteral("acr"), QStringLiteral("dockerhub"), QStringLiteral("quay")}.contains(kind))
        return ctx.fail(n["kind"], QStringLiteral("kind must be oci, acr, dockerhub or quay"));
    c.kind = kind;
    if (n["api-url"])
        c.apiUrl = QUrl(str(n["api-url"]));
    else if (kind == u"dockerhub")
        c.apiUrl = QUrl(QStringLiteral("https://hub.docker.com"));
    if (!n["role"])
        return ctx.fail(n, QStringLiteral("registry '%1' needs a role (source, target, replica, cache or legacy)").arg(name));
    const QString role = str(n["role"]);
    const QMap<QString, RegistryRole> roles{{QStringLiteral("source"), RegistryRole::Source},
                                            {QStringLiteral("target"), RegistryRole::Target},
                                            {QStringLiteral("replica"), RegistryRole::Replica},
                                            {QStringLiteral("cache"), RegistryRole::Cache},
                                            {QStringLiteral("legacy"), RegistryRole::Legacy}};
    if (!roles.contains(role))
        return ctx.fail(n["role"], QStringLiteral("role must be source, target, replica, cache or legacy"));
    out->role = roles.value(role);
    if (n["of"])
        out->of = str(n["of"]);
    if ((out->role == RegistryRole::Replica || out->role == RegistryRole::Cache) && out->of.isEmpty())
        return ctx.fail(n, QStringLiteral("a %1 needs 'of: <registry>'").arg(role));
    if (n["lag-slo"]) {
        const auto d = parseDuration(str(n["lag-slo"]));
        if (!d)
            return ctx.fail(n["lag-slo"], QStringLiteral("lag-slo is a duration like 90s, 30m, 2h or 1d"));
        out->lagSloSeconds = *d;
    }
    if (const YAML::Node b = n["budget"]; b && !planyaml::parseBudget(ctx, b, &out->budgetFloor, &out->budgetPollMs))
        return false;
    if (n["concurrency"]) {
        c.concurrency = n["concurrency"].as<int>(0);
        if (c.concurrency <= 0 || c.concurrency > 256)
            return ctx.fail(n["concurrency"], QStringLiteral("concurrency is a number from 1 to 256"));
    }
    if (n["rate"]) {
        c.requestsPerSecond = n["rate"].as<double>(-1);
        if (c.requestsPerSecond <= 0)
            return ctx.fail(n["rate"], QStringLiteral("rate is requests per second, above 0"));
    }
    if (n["page-size"]) {
        c.pageSize = n["page-size"].as<int>(0);
        if (c.pageSize <= 0 || c.pageSize > 10'000)
            return ctx.fail(n["page-size"], QStringLiteral("page-size is the number of tags per listing page, 1 to 10000"));
    }
    if (n["max-pages"]) {
        c.maxPages = n["max-pages"].as<int>(0);
        if (c.maxPages <= 0)
            return ctx.fail(n["max-pages"], QStringLiteral("max-pages is a number above 0; a listing cut by it is incomplete"));
    }
    if (n["ca-file"]) {
        const QString f = str(n["ca-file"]);
        c.caFile = QDir::isAbsolutePath(f) ? f : QDir(planDir).filePath(f);
    }
    out->credentials = QStringLiteral("docker-config");
    if (n["credentials"] && !planyaml::parseCredentials(ctx, n["credentials"], &out->credentials))
        return false;
    return true;
}

bool parseRegexList(const Ctx &ctx, const YAML::Node &n, const QString &what, QList<QRegularExpression> *out)
{
    if (!n)
        return true;
    if (!n.IsSequence())
        return ctx.fail(n, QStringLiteral("%1 is a list of regular expressions").arg(what));
    for (const YAML::Node &e : n) {
        QRegularExpression re(str(e));
        if (!re.isValid())
            return ctx.fail(e, QStringLiteral("invalid regular expression in %1: %2").arg(what, re.errorString()));
        out->append(re);
    }
    return true;
}

// The registry a policy names: one of the plan's that Ferry may delete from, or for
// http-chart-repository one of its chart repositories (retired by ferryctl charts retire).
bool checkPolicyRegistry(const Ctx &ctx, const YAML::Node &pn, const Plan &plan, const CleanupPolicy &pol)
{
    if (pol.kind == CleanupPolicy::Kind::HttpChartRepository) {
        // Retires an HTTP Helm repository: every version verified in OCI (ferryctl charts retire).
        if (!plan.chartRepository(pol.registry))
            return ctx.fail(pn["registry"],
                            QStringLiteral("'%1' names no chart repository of this plan (plan key charts)").arg(pol.registry));
        return true;
    }
    const PlanRegistry *reg = plan.registry(pol.registry);
    if (!reg)
        return ctx.fail(pn["registry"], QStringLiteral("'%1' names no registry of this plan").arg(pol.registry));
    if (reg->role == RegistryRole::Cache)
        return ctx.fail(pn["registry"], QStringLiteral("'%1' is a pull-through cache: Ferry never deletes from a cache").arg(pol.registry));
    if (reg->config.kind == u"dockerhub")
        return ctx.fail(
            pn["registry"],
            QStringLiteral("'%1' is Docker Hub, whose registry API does not delete; empty it in Docker Hub itself").arg(pol.registry));
    if (pol.kind == CleanupPolicy::Kind::Legacy && reg->role != RegistryRole::Legacy && reg->role != RegistryRole::Source)
        return ctx.fail(pn["registry"],
                        QStringLiteral("a legacy policy applies to a legacy or source registry, not to '%1' (%2)")
                            .arg(pol.registry, roleName(reg->role)));
    if (pol.kind == CleanupPolicy::Kind::Legacy && plan.namesWithRole(RegistryRole::Target).isEmpty())
        return ctx.fail(pn, QStringLiteral("a legacy policy needs a target registry to verify against"));
    return true;
}

bool parseCleanup(const Ctx &ctx, const YAML::Node &n, const Plan &plan, CleanupConfig *out)
{
    if (!n.IsMap())
        return ctx.fail(n, QStringLiteral("cleanup is a map with policies, protect, batch-size and max-listing-age"));
    if (!checkKeys(ctx, n,
                   {QStringLiteral("policies"), QStringLiteral("protect"), QStringLiteral("batch-size"), QStringLiteral("max-listing-age"),
                    QStringLiteral("recheck-window"), QStringLiteral("refs-max-age")},
                   QStringLiteral("cleanup")))
        return false;
    if (n["batch-size"]) {
        out->batchSize = n["batch-size"].as<int>(0);
        if (out->batchSize <= 0 || out->batchSize > 10'000)
            return ctx.fail(n["batch-size"], QStringLiteral("batch-size is the number of deletions per batch, 1 to 10000"));
    }
    for (const auto &[key, field] :
         {std::pair{"max-listing-age", &out->maxListingAgeSeconds}, std::pair{"recheck-window", &out->recheckWindowSeconds},
          std::pair{"refs-max-age", &out->refsMaxAgeSeconds}}) {
        if (!n[key])
            continue;
        const auto d = parseDuration(str(n[key]));
        if (!d)
            return ctx.fail(n[key], QStringLiteral("%1 is a duration like 90s, 30m, 2h or 1d").arg(QLatin1String(key)));
        *field = *d;
    }
    if (const YAML::Node p = n["protect"]) {
        if (!p.IsMap() ||
            !checkKeys(ctx, p, {QStringLiteral("tags"), QStringLiteral("repositories"), QStringLiteral("registries")},
                       QStringLiteral("cleanup.protect")))
            return p.IsMap()
                ? false
                : ctx.fail(p, QStringLiteral("protect is a map with tags and repositories (lists of regular expressions) and registries"));
        if (const YAML::Node regs = p["registries"]) {
            if (!regs.IsSequence())
                return ctx.fail(regs, QStringLiteral("protect.registries is a list of registry names"));
            for (const YAML::Node &r : regs) {
                if (!plan.registry(str(r)))
                    return ctx.fail(r, QStringLiteral("'%1' names no registry of this plan").arg(str(r)));
                out->protectRegistries << str(r);
            }
        }
        if (!parseRegexList(ctx, p["tags"], QStringLiteral("protect.tags"), &out->protectTags) ||
            !parseRegexList(ctx, p["repositories"], QStringLiteral("protect.repositories"), &out->protectRepositories))
            return false;
    }
    const YAML::Node policies = n["policies"];
    if (policies && !policies.IsSequence())
        return ctx.fail(policies, QStringLiteral("cleanup.policies is a list"));
    const QMap<QString, CleanupPolicy::Kind> kinds{{QStringLiteral("dev-tags"), CleanupPolicy::Kind::DevTags},
                                                   {QStringLiteral("tags"), CleanupPolicy::Kind::Tags},
                                                   {QStringLiteral("untagged"), CleanupPolicy::Kind::Untagged},
                                                   {QStringLiteral("legacy"), CleanupPolicy::Kind::Legacy},
                                                   {QStringLiteral("http-chart-repository"), CleanupPolicy::Kind::HttpChartRepository}};
    for (const YAML::Node &pn : policies) {
        if (!pn.IsMap())
            return ctx.fail(pn, QStringLiteral("each cleanup policy is a map with name, kind and registry"));
        if (!checkKeys(ctx, pn,
                       {QStringLiteral("name"), QStringLiteral("kind"), QStringLiteral("registry"), QStringLiteral("repositories"),
                        QStringLiteral("older-than"), QStringLiteral("keep-newest"), QStringLiteral("pattern"),
                        QStringLiteral("verify-replicas")},
                       QStringLiteral("a cleanup policy")))
            return false;
        CleanupPolicy pol;
        pol.origin = ctx.where(pn);
        if (!pn["name"] || !pn["kind"] || !pn["registry"])
            return ctx.fail(pn, QStringLiteral("a cleanup policy needs name, kind (dev-tags, tags, untagged, legacy) and registry"));
        pol.name = str(pn["name"]);
        for (const CleanupPolicy &other : std::as_const(out->policies))
            if (other.name == pol.name)
                return ctx.fail(pn["name"], QStringLiteral("two cleanup policies are named '%1'").arg(pol.name));
        if (!kinds.contains(str(pn["kind"])))
            return ctx.fail(pn["kind"], QStringLiteral("kind must be dev-tags, tags, untagged, legacy or http-chart-repository"));
        pol.kind = kinds.value(str(pn["kind"]));
        pol.registry = str(pn["registry"]);
        if (!checkPolicyRegistry(ctx, pn, plan, pol))
            return false;
        if (pn["repositories"])
            pol.repositoryGlob = str(pn["repositories"]);
        if (pn["older-than"]) {
            const auto d = parseDuration(str(pn["older-than"]));
            if (!d)
                return ctx.fail(pn["older-than"], QStringLiteral("older-than is a duration like 12h, 7d or 30d"));
            pol.olderThanSeconds = *d;
        }
        if (pn["keep-newest"]) {
            pol.keepNewest = pn["keep-newest"].as<int>(-1);
            if (pol.keepNewest < 0)
                return ctx.fail(pn["keep-newest"], QStringLiteral("keep-newest is a number, 0 or more"));
        }
        if (pn["pattern"]) {
            pol.pattern = QRegularExpression(str(pn["pattern"]));
            if (!pol.pattern.isValid())
                return ctx.fail(pn["pattern"], QStringLiteral("invalid regular expression: %1").arg(pol.pattern.errorString()));
        }
        if (pol.kind == CleanupPolicy::Kind::Tags && pol.pattern.pattern().isEmpty())
            return ctx.fail(
                pn,
                QStringLiteral(
                    "a tags policy needs a pattern (a regular expression; a named capture 'group' groups tags for keep-newest)"));
        if (pol.kind == CleanupPolicy::Kind::Untagged && !pol.olderThanSeconds)
            return ctx.fail(pn, QStringLiteral("an untagged policy needs older-than (something may still pull a fresh untagged digest)"));
        if (pn["verify-replicas"])
            pol.verifyReplicas = pn["verify-replicas"].as<bool>(false);
        out->policies.append(pol);
    }
    return true;
}

// One entry of the plan's images: a skopeo-sync import, a repositories glob or a mapping.
bool parseImage(const Ctx &ctx, const YAML::Node &img, const QString &planDir, Plan &plan)
{
    if (!img.IsMap()) {
        ctx.fail(img, QStringLiteral("each image entry is a map (source/target/tags, skopeo-sync, or repositories)"));
        return false;
    }
    if (img["skopeo-sync"]) {
        if (!checkKeys(ctx, img, {QStringLiteral("skopeo-sync"), QStringLiteral("source"), QStringLiteral("target")},
                       QStringLiteral("a skopeo-sync import")))
            return false;
        if (!img["source"] || !img["target"]) {
            ctx.fail(img, QStringLiteral("a skopeo-sync import needs source (a registry name) and target (<registry>/<prefix>)"));
            return false;
        }
        const QString source = str(img["source"]);
        if (!plan.registry(source)) {
            ctx.fail(img["source"], QStringLiteral("'%1' names no registry of this plan").arg(source));
            return false;
        }
        QString targetReg, prefix;
        if (!splitRef(ctx, img["target"], plan, &targetReg, &prefix, true))
            return false;
        const QString file = str(img["skopeo-sync"]);
        const QString filePath = QDir::isAbsolutePath(file) ? file : QDir(planDir).filePath(file);
        QString err;
        const auto sets = importSkopeoSync(filePath, source, targetReg, prefix, &err, &plan.warnings);
        if (!sets) {
            ctx.fail(img["skopeo-sync"], err);
            return false;
        }
        plan.images += *sets;
        return true;
    }
    if (img["repositories"]) {
        if (!checkKeys(ctx, img, {QStringLiteral("repositories"), QStringLiteral("tags")}, QStringLiteral("a repositories entry")))
            return false;
        ImageSet s;
        s.kind = ImageSet::Kind::Repositories;
        s.origin = ctx.where(img);
        if (!splitRef(ctx, img["repositories"], plan, &s.targetRegistry, &s.repositoryGlob, true))
            return false;
        if (!parseTags(ctx, img["tags"], &s.tags))
            return false;
        plan.images.append(s);
        return true;
    }
    if (!checkKeys(ctx, img, {QStringLiteral("source"), QStringLiteral("target"), QStringLiteral("tags")},
                   QStringLiteral("an image mapping")))
        return false;
    if (!img["source"] || !img["target"]) {
        ctx.fail(img, QStringLiteral("an image mapping needs source and target (<registry>/<repository>)"));
        return false;
    }
    ImageSet s;
    s.origin = ctx.where(img);
    if (!splitRef(ctx, img["source"], plan, &s.sourceRegistry, &s.sourceRepository, false) ||
        !splitRef(ctx, img["target"], plan, &s.targetRegistry, &s.targetRepository, false) || !parseTags(ctx, img["tags"], &s.tags))
        return false;
    if (plan.registry(s.targetRegistry)->role != RegistryRole::Target) {
        ctx.fail(img["target"], QStringLiteral("'%1' is not a target registry (role: target)").arg(s.targetRegistry));
        return false;
    }
    plan.images.append(s);
    return true;
}

} // namespace

std::optional<Plan> Plan::load(const QString &path, QString *error)
{
    QString why;
    const std::optional<QByteArray> text = readInputFile(path, inputlimit::Plan, &why);
    if (!text) {
        *error = QStringLiteral("cannot read the plan: %1").arg(why);
        return std::nullopt;
    }
    return parse(*text, path, error);
}

std::optional<Plan> Plan::parse(const QByteArray &yaml, const QString &path, QString *error)
{
    Ctx ctx{path, error};
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1:%2:%3: %4").arg(path).arg(e.mark.line + 1).arg(e.mark.column + 1).arg(QString::fromStdString(e.msg));
        return std::nullopt;
    }
    try {
        if (!root.IsMap()) {
            ctx.fail(root, QStringLiteral("a plan is a map with version, name, registries and images"));
            return std::nullopt;
        }
        qint64 visits = 0;
        if (!planyaml::uniqueKeys(ctx, root, 0, &visits))
            return std::nullopt;
        if (!checkKeys(ctx, root,
                       {QStringLiteral("version"), QStringLiteral("name"), QStringLiteral("registries"), QStringLiteral("images"),
                        QStringLiteral("cleanup"), QStringLiteral("clients"), QStringLiteral("charts"), QStringLiteral("store")},
                       QStringLiteral("the plan")))
            return std::nullopt;
        Plan plan;
        plan.path = path;
        const QString planDir = QFileInfo(path).absolutePath();
        plan.version = root["version"] ? root["version"].as<int>(0) : 1;
        if (plan.version != 1) {
            ctx.fail(root["version"], QStringLiteral("this Ferry reads plan version 1"));
            return std::nullopt;
        }
        plan.name = root["name"] ? str(root["name"]) : QFileInfo(path).baseName();
        if (const YAML::Node store = root["store"]) {
            QString why;
            plan.store = store.IsScalar() ? resolveStoreLocation(str(store), planDir, &why) : QString();
            if (plan.store.isEmpty()) {
                ctx.fail(store, why.isEmpty() ? QStringLiteral("store is a PostgreSQL URL or a database file") : why);
                return std::nullopt;
            }
        }
        const YAML::Node regs = root["registries"];
        if (!regs || !regs.IsMap() || regs.size() == 0) {
            ctx.fail(regs ? regs : root, QStringLiteral("registries must be a map of registry names to {url, role, …}"));
            return std::nullopt;
        }
        for (auto it = regs.begin(); it != regs.end(); ++it) {
            PlanRegistry r;
            const QString name = QString::fromStdString(it->first.Scalar());
            static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]*$"));
            if (!nameRe.match(name).hasMatch()) {
                ctx.fail(it->first, QStringLiteral("registry name '%1' may hold letters, digits, '.', '_' and '-'").arg(name));
                return std::nullopt;
            }
            if (!parseRegistry(ctx, planDir, name, it->second, &r))
                return std::nullopt;
            plan.registries.append(r);
        }
        for (const PlanRegistry &r : std::as_const(plan.registries)) {
            if (!r.of.isEmpty()) {
                const PlanRegistry *of = plan.registry(r.of);
                if (!of) {
                    ctx.fail(regs[r.name.toStdString()]["of"], QStringLiteral("'%1' names no registry of this plan").arg(r.of));
                    return std::nullopt;
                }
            }
        }
        const YAML::Node images = root["images"];
        if (images && !images.IsSequence()) {
            ctx.fail(images, QStringLiteral("images must be a list"));
            return std::nullopt;
        }
        for (const YAML::Node &img : images)
            if (!parseImage(ctx, img, planDir, plan))
                return std::nullopt;
        if (root["charts"] && !parseCharts(ctx, root["charts"], planDir, plan, &plan.charts))
            return std::nullopt;
        if (root["cleanup"] && !parseCleanup(ctx, root["cleanup"], plan, &plan.cleanup))
            return std::nullopt;
        if (root["clients"] && !parseClients(ctx, root["clients"], planDir, &plan.clients))
            return std::nullopt;
        return plan;
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1:%2:%3: %4").arg(path).arg(e.mark.line + 1).arg(e.mark.column + 1).arg(QString::fromStdString(e.msg));
        return std::nullopt;
    }
}

} // namespace ferry
