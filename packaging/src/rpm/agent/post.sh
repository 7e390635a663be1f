# %post of cairn-agent. Written out in full: the packages are built on Debian, which has no %systemd_* macros.
if [ "$1" -eq 1 ]; then
    # First install: enabled, as on Debian (the site's preset policy would leave an unknown unit off).
    systemctl --no-reload enable cairn-agent.service >/dev/null 2>&1 || :
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null 2>&1 || :
        systemctl start cairn-agent.service >/dev/null 2>&1 || :
    fi
fi
exit 0
