// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "report/report.h"

#include <QDialog>
#include <QFutureWatcher>

class QComboBox;
class QListWidget;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace ferry {

class Workspace;

// Export a status report: format, period and list length, a preview of the document, and
// the export itself. Reading the store and writing files happen on a worker thread (CSV
// streams with progress); only the charts of HTML and PDF are drawn on the GUI thread.
class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    // Reads the session's database through the Workspace.
    ExportDialog(const Workspace *workspace, QWidget *parent = nullptr);
    ~ExportDialog() override;

    // md, html, pdf, csv or json; the period in days (0: everything).
    void exportTo(const QString &path, const QString &format, int days);
    void refreshPreview();
    QString previewText() const;
    QString status() const;
    QStringList sections() const; // the checked ones; all: empty
    void setSections(const QStringList &sections);

Q_SIGNALS:
    void exported(const QString &path, bool ok);
    void previewReady();

private:
    QDateTime since(int days) const;
    const Workspace *m_workspace;
    QComboBox *m_format;
    QComboBox *m_period;
    QSpinBox *m_top;
    QListWidget *m_sections;
    QTextBrowser *m_preview;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_save;
    QFutureWatcher<ReportData> m_previewWatcher;
    QFutureWatcher<QString> m_exportWatcher;
    QString m_pending;
};

} // namespace ferry
