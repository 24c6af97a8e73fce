// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>

#include <optional>

namespace ferry {

// An image reference as a client's runtime reads it (containerd, through the distribution
// reference grammar), not as Ferry's registry client connects:
//  - no host, or a first component without '.' or ':' that is not "localhost": docker.io;
//  - "index.docker.io" is read as docker.io; "registry-1.docker.io" stays what it is,
//    and containerd then looks for certs.d/registry-1.docker.io, not certs.d/docker.io;
//  - docker.io names without '/' get "library/";
//  - neither tag nor digest: "latest"; "name:tag@digest" keeps both, the digest decides.
// `domain` is what containerd calls the namespace: the certs.d directory it looks in.
struct ClientRef
{
    QString domain;
    QString path;
    QString tag;
    QString digest;
    bool implicitDomain = false; // written without a host ("nginx", "giantswarm/app")
    bool implicitTag = false; // written without tag or digest: latest

    // Docker Hub under any of its names (docker.io, index.docker.io, registry-1.docker.io,
    // registry.hub.docker.com).
    bool isDockerHub() const;
    // domain/path[:tag][@digest], the form `ctr images pull` accepts.
    QString canonical() const;
    // domain/path, for grouping.
    QString name() const { return domain + u'/' + path; }

    static std::optional<ClientRef> parse(const QString &text, QString *error);
};

namespace clientref {
// The registry a domain stands for, as a host: Docker Hub's names all become docker.io.
QString registryOf(const QString &domain);
// The host containerd connects to when no hosts.toml says otherwise.
QString defaultHost(const QString &domain);
// A kubelet imageID ("docker-pullable://repo@sha256:…", "repo@sha256:…") to the manifest
// digest the node pulled, or empty (a bare "sha256:…" is a config digest and says nothing).
QString digestOfImageId(const QString &imageId);
} // namespace clientref

} // namespace ferry
