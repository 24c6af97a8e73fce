// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QWidget>

class QLabel;
class QProcess;
class QPushButton;

namespace ferry {

// The first run: no plan given and none used before. It offers to open a plan, to write a
// first one from a retagger skopeo-sync file, or to start the demo (`ferryctl demo --serve`
// from the installed files) and open its plan as soon as its registries answer.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);
    ~WelcomePage() override; // stops the demo's registries

    // The non-interactive half of the import: writes the plan to planPath and emits planReady.
    bool importSkopeoSync(const QString &syncPath, const QString &targetHost, const QString &prefix, const QString &planPath,
                          QString *error);
    // workdir: where the demo keeps its registries, plan and database (default: a temporary
    // directory it removes at the end).
    void startDemo(const QString &workdir = QString());
    bool demoRunning() const;
    qint64 demoPid() const; // the demo's process (ferryctl demo hands over to it: one pid)
    QString status() const;

Q_SIGNALS:
    void openPlanRequested();
    void planReady(const QString &planPath, bool remember); // the demo's plan is not remembered: it goes with the demo
    void demoSaid(const QString &line); // the demo's story, line by line, once its plan is open

private:
    void askImport();
    void onDemoOutput();
    void setStatus(const QString &text, bool error = false);

    QLabel *m_status;
    QPushButton *m_demoButton;
    QProcess *m_demo = nullptr;
    QString m_demoOutput; // what the demo printed, for its last lines on failure
    bool m_planSeen = false;
};

} // namespace ferry
