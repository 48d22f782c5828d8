import {ConnectError} from '../../source/ssh/transport.js';

/** The ConnectError a connect (or exec) promise rejects with; anything else fails the test. */
export async function connectError(promise: Promise<unknown>): Promise<ConnectError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ConnectError) return error;
		throw error;
	}

	throw new Error('expected a ConnectError');
}
