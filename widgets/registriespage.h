// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "registriesmodel.h"

#include <QFutureWatcher>
#include <QHash>
#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace ferry {

class Workspace;

using RegistriesData = RegistriesRead;

// Each registry of the plan: role, reachability, latency, error rate and requests of the
// last scan that touched it, Docker Hub's pull budget from the recorded headers; for the
// selected registry what failed and what to do, and its latency and failures over the scans.
class RegistriesPage : public QWidget
{
    Q_OBJECT
public:
    explicit RegistriesPage(QWidget *parent = nullptr);
    ~RegistriesPage() override;

    // The session whose database the page shows; readNow false waits for reload().
    void setWorkspace(const Workspace *workspace, bool readNow = true);
    void setRegistryUrls(const QMap<QString, QString> &urls) { m_urls = urls; }
    void reload();
    RegistriesModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    QTextBrowser *details() const { return m_details; }
    QString summary() const;

Q_SIGNALS:
    void reloaded();

private:
    void showDetails();

    const Workspace *m_workspace = nullptr;
    QMap<QString, QString> m_urls;
    RegistriesData m_data;
    RegistriesModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_summary;
    QTableView *m_view;
    QTextBrowser *m_details;
    QChartView *m_chart;
    QFutureWatcher<RegistriesData> m_watcher;
};

} // namespace ferry
