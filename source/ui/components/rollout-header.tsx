import {Text} from 'ink';
import type {RolloutView} from '../../tui/contract.js';
import {rolloutHeaderText, rolloutShown, rolloutState} from '../rollout-lines.js';
import {paint, useTheme} from '../theme.js';

export type RolloutHeaderProps = {
	readonly rollout: RolloutView | undefined;
};

/**
 * One line over the run pane's grid while a rollout runs in batches: which batches are done, running and
 * waiting, the step's failed nodes against max_fail, and whether it is paused or stopping. Nothing for a
 * run without batches that nobody steered.
 */
export function RolloutHeader({rollout}: RolloutHeaderProps) {
	const theme = useTheme();
	if (!rolloutShown(rollout)) {
		return null;
	}

	const state = rolloutState(rollout);
	const overLimit = rollout.maxFail !== undefined && rollout.failedNodes > rollout.maxFail;
	const alert = overLimit || rollout.stopped !== undefined || rollout.settings.stop;
	return (
		<Text wrap="truncate" bold={state !== undefined} color={alert ? paint(theme, 'red') : state === undefined ? undefined : paint(theme, 'yellow')}>
			{rolloutHeaderText(rollout, theme.glyphs.separator)}
		</Text>
	);
}
